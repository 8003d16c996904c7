package dev.netns;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.netns.internal.topology.StateReport;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs in a child JVM started by {@link EnvironmentFaultsIT} with fewer privileges or another
 * PATH, and prints what happened, one fact per line.
 */
public final class Probe {

    private Probe() {
    }

    /** Argument: {@code start} (a topology with NAT) or {@code junit} (two fixture classes). */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("start")) {
            try (Topology net = Topology.builder()
                    .namespace("red")
                    .namespace("lan")
                    .veth("red", "10.0.0.1/24", "host", "10.0.0.254/24")
                    .veth("host", "10.1.0.1/24", "lan", "10.1.0.2/24")
                    .route("red", "default", "10.0.0.254")
                    .nat("host", "10.0.0.0/24")
                    .start()) {
                System.out.println("STARTED " + net.namespaces().size());
                String state = StateReport.describe(net);
                System.out.println(state.contains("(nft not installed)") ? "NFT (nft not installed)" : "NFT listed");
                // lan has no route back to 10.0.0.0/24: only the host's masquerade lets red's ping return
                System.out.println("MASQUERADES " + net.namespace("red").ping("10.1.0.2").reachable());
            } catch (NetnsException e) {
                System.out.println("ERROR " + e.getMessage().replace('\n', ' '));
            }
            System.out.println("LEFT namespaces=" + RollbackIT.namespaceDescriptors() + " threads=" + namespaceThreads());
        } else if (args[0].equals("fds")) {
            exhaustDescriptors();
        } else {
            report("SKIP", EngineTestKit.engine("junit-jupiter").selectors(selectClass(SkipCase.class)).execute());
            report("FAIL", EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailCase.class)).execute());
        }
    }

    /**
     * Starts programs (one that leaves the namespace), then uses up every descriptor: the first
     * error must say so, and teardown must still kill everything.
     */
    private static void exhaustDescriptors() throws Exception {
        java.util.List<java.nio.channels.FileChannel> hog = new java.util.ArrayList<>();
        try (Topology net = Topology.builder().namespace("red").namespace("blue")
                .veth("red", "10.0.0.1/24", "blue", "10.0.0.2/24").start()) {
            NetNs red = net.namespace("red");
            red.exec("sh", "-c", "(unshare -n sleep 1013.5 &); sleep 1014.5 > /dev/null 2>&1 &");
            try {
                while (true) {
                    hog.add(java.nio.channels.FileChannel.open(java.nio.file.Path.of("/dev/null")));
                }
            } catch (java.io.IOException full) {
                System.out.println("HOG " + hog.size());
            }
            try {
                red.capture("eth0");
                System.out.println("FIRST none");
            } catch (NetnsException e) {
                System.out.println("FIRST " + e.getMessage().replace('\n', ' '));
            }
        } catch (RuntimeException e) {
            System.out.println("CLOSE " + e);
        }
        System.out.println("CLOSED");
        for (java.nio.channels.FileChannel channel : hog) {
            channel.close();
        }
    }

    private static void report(String label, EngineExecutionResults results) {
        var tests = results.testEvents();
        var all = results.allEvents();
        System.out.println(label + " started=" + tests.started().count() + " skipped=" + all.skipped().count()
                + " failed=" + tests.failed().count());
        all.skipped().stream().forEach(event -> System.out.println(label + " reason "
                + event.getPayload(String.class).orElse("")));
        tests.failed().stream().forEach(event -> System.out.println(label + " message " + event
                .getRequiredPayload(TestExecutionResult.class).getThrowable().map(Throwable::getMessage).orElse("")));
    }

    static long namespaceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("netns-junit-")).count();
    }

    /** Skipped without privileges. */
    @NetnsTest(disabledWithoutPrivileges = true)
    @Namespace("red")
    public static class SkipCase {

        /** Needs a namespace. */
        @Test
        public void test() {
        }
    }

    /** Fails without privileges (the default). */
    @NetnsTest
    @Namespace("red")
    public static class FailCase {

        /** Needs a namespace. */
        @Test
        public void test() {
        }
    }
}
