package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a user meets when the machine lacks something: privileges, the nft tool (which NAT does
 * not need, only the diagnostics), bash for the watchdog, a writable {@code /proc/sys}. Each case runs {@link Probe} in a child JVM with that lack.
 */
class EnvironmentFaultsIT {

    @Test
    void withoutPrivilegesStartingFailsNamingWhatIsMissing() throws Exception {
        List<String> lines = probe(List.of("setpriv", "--bounding-set", "-net_admin,-sys_admin", "--"), Map.of(), "start");

        assertThat(lines).anySatisfy(line -> assertThat(line)
                .startsWith("ERROR netns-junit needs CAP_SYS_ADMIN and CAP_NET_ADMIN")
                .contains("this JVM lacks CAP_SYS_ADMIN and CAP_NET_ADMIN")
                .contains("unshare --user --map-root-user").contains("run the tests as root")
                .contains("disabledWithoutPrivileges = true"));
        assertThat(lines).contains("LEFT namespaces=0 threads=0");
    }

    @Test
    void withoutPrivilegesTestsFailOrAreSkippedWhenAskedTo() throws Exception {
        List<String> lines = probe(List.of("setpriv", "--bounding-set", "-net_admin,-sys_admin", "--"), Map.of(), "junit");

        assertThat(lines).contains("SKIP started=0 skipped=1 failed=0", "FAIL started=1 skipped=0 failed=1");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("SKIP reason netns-junit needs CAP_SYS_ADMIN")
                .endsWith("Skipped, as @NetnsTest(disabledWithoutPrivileges = true) asks."));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("FAIL message netns-junit needs CAP_SYS_ADMIN"));
    }

    @Test
    void withoutNftNatStillWorksAndTheDiagnosticsSaySo() throws Exception {
        List<String> lines = probe(List.of(), Map.of("PATH", "/usr/bin:/bin"), "start");

        assertThat(lines).contains("STARTED 3", "NFT (nft not installed)", "MASQUERADES true", "LEFT namespaces=0 threads=0");
    }

    @Test
    void withoutBashOrSetsidTheWatchdogSaysWhatItNeeds() throws Exception {
        List<String> lines = probe(List.of(), Map.of("PATH", "/nonexistent"), "start");

        assertThat(lines).anySatisfy(line -> assertThat(line)
                .startsWith("ERROR netns-junit: start the watchdog failed: ")
                .contains("it needs setsid from util-linux and bash"));
        assertThat(lines).contains("LEFT namespaces=0 threads=0");
    }

    @Test
    void withSetsidButWithoutBashTheFirstStartFailsAtOnceAndSaysWhy() throws Exception {
        Path bin = Files.createDirectories(Path.of("target", "only-setsid"));
        Path setsid = bin.resolve("setsid");
        if (!Files.exists(setsid, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(setsid, Path.of("/usr/bin/setsid"));
        }
        long started = System.nanoTime();
        List<String> lines = probe(List.of(), Map.of("PATH", bin.toAbsolutePath().toString()), "start");
        long tookSeconds = (System.nanoTime() - started) / 1_000_000_000;

        assertThat(lines).anySatisfy(line -> assertThat(line)
                .startsWith("ERROR netns-junit: start the watchdog failed: ").contains("bash").contains("exited"));
        assertThat(lines).contains("LEFT namespaces=0 threads=0");
        System.out.println("without bash the start failed after " + tookSeconds + " s");
    }

    @Test
    void outOfDescriptorsTheFirstErrorSaysSoAndTeardownStillKills() throws Exception {
        List<String> lines = probe(List.of("sh", "-c", "ulimit -n 256 && exec \"$0\" \"$@\""), Map.of(), "fds");

        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("HOG "));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("FIRST ").contains("Too many open files"));
        assertThat(lines).contains("CLOSED");
        assertThat(ContainmentIT.sleepers("1013.5")).as("the program that left the namespace").isEmpty();
        assertThat(ContainmentIT.sleepers("1014.5")).as("the daemon in the namespace").isEmpty();
    }

    @Test
    void aReadOnlyProcSysIsNamedAsSuch() throws Exception {
        // the probe's JVM sees /proc/sys read-only, in a mount namespace of its own
        List<String> lines = probe(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys && exec \"$0\" \"$@\""),
                Map.of(), "start");

        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("ERROR ")
                .contains("create namespace failed").contains("set sysctl net/").contains("Read-only file system"));
        assertThat(lines).contains("LEFT namespaces=0 threads=0");
    }

    private static List<String> probe(List<String> prefix, Map<String, String> environment, String mode) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName(), mode));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.println(output);
        return output.lines().toList();
    }
}
