package dev.netns.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.NetNs;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.RunIn;
import dev.netns.junit.VethPair;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Escapes: JVM code outside the topology that connects to a topology address fails the test. The
 * fixtures run in a child JVM inside a throwaway network namespace whose default route leads
 * into a dummy device, so that nothing can leave even if the feature were broken.
 */
class EscapeIT {

    private static final String SANDBOX = "ip link set lo up && ip link add sink0 type veth peer name sink1"
            + " && ip link set sink0 up && ip link set sink1 up"
            + " && ip addr add 198.51.100.2/32 dev sink0 && ip route add default dev sink0"
            + " && exec \"$0\" \"$@\"";

    /** Runs {@code fixtures} through the launcher API (as IDEs do) in a child JVM inside {@code unshare --net}. */
    static String runSandboxed(String... fixtures) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of("unshare", "--net", "sh", "-c", SANDBOX,
                java, "-cp", System.getProperty("java.class.path"), FixtureRunner.class.getName()));
        command.addAll(List.of(fixtures));
        return run(command);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new String(output, StandardCharsets.UTF_8);
    }

    @Test
    void aClientOnTheTestThreadFailsTheTestNamingAddressPortAndTheWayIn() throws Exception {
        String output = runSandboxed(NaiveClientCase.class.getName());
        assertThat(output).contains("FAILED naiveClient")
                .contains("tcp to 10.33.0.2:7300 (namespace 'blue')")
                .contains("@RunIn")
                .contains("refused after less than a second: true")
                .contains("tests 1, failed 1");
    }

    @Test
    void theJUnitConsoleLauncherCatchesItToo() throws Exception {
        Path launcher = Path.of("target/launchers/junit-platform-console-standalone.jar");
        assertThat(launcher).as("copied by the build (maven-dependency-plugin)").exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String output = run(List.of("unshare", "--net", "sh", "-c", SANDBOX, java, "-jar", launcher.toString(),
                "execute", "--disable-banner", "--details=tree", "--class-path", System.getProperty("java.class.path"),
                "--select-class", NaiveClientCase.class.getName()));
        assertThat(output).contains("tcp to 10.33.0.2:7300 (namespace 'blue')").contains("1 tests failed");
    }

    @Test
    void theSameClientInsideTheTopologyPasses() throws Exception {
        String output = runSandboxed(RunInClientCase.class.getName());
        assertThat(output).contains("tests 1, failed 0");
    }

    @NetnsTest
    @Namespace("red")
    @Namespace("blue")
    @VethPair(left = "red", leftAddress = "10.33.0.1/24", right = "blue", rightAddress = "10.33.0.2/24")
    static class NaiveClientCase {
        @Test
        void naiveClient(@Namespace("blue") NetNs blue) throws Exception {
            try (ServerSocket server = blue.call(() -> new ServerSocket(7300))) {
                long started = System.nanoTime();
                try (Socket socket = new Socket("10.33.0.2", 7300)) {
                    System.out.println("connected: the escape was not caught");
                } catch (IOException caughtByTheCodeUnderTest) {
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    System.out.println("refused after less than a second: " + (millis < 1000) + " (" + caughtByTheCodeUnderTest + ")");
                }
            }
        }
    }

    @NetnsTest
    @Namespace("blue")
    @VethPair(left = "red", leftAddress = "10.33.0.1/24", right = "blue", rightAddress = "10.33.0.2/24")
    static class RunInClientCase {
        @Test
        @RunIn("red")
        void clientInside(@Namespace("blue") NetNs blue) throws Exception {
            try (ServerSocket server = blue.call(() -> new ServerSocket(7300));
                 Socket socket = new Socket("10.33.0.2", 7300)) {
                server.accept().close();
            }
        }
    }
}
