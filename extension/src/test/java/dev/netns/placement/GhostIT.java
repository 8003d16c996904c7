package dev.netns.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.cause;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.netns.NetNs;
import dev.netns.Topology;
import dev.netns.internal.placement.Escape;
import dev.netns.internal.placement.GhostPolicy;
import dev.netns.internal.placement.TopologyAddresses;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Ghosts: threads left in a closed topology are named, and their sockets never reach a later topology. */
@Execution(value = ExecutionMode.SAME_THREAD, reason = "the first test counts the JVM's sinks, which the second one adds to")
class GhostIT {

    private static Topology twoNamespaces() {
        return Topology.builder().namespace("red").namespace("blue")
                .veth("red", "10.34.0.1/24", "blue", "10.34.0.2/24").start();
    }

    private static long sinkDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals("/dev/net/tun");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void aThreadLeftInAClosedTopologyIsNamedAndCannotReachTheNextTopologyWithTheSameAddresses() throws Exception {
        long sinksBefore = sinkDescriptors();
        Topology first = twoNamespaces();
        ExecutorService leftBehind = Executors.newSingleThreadExecutor(first.namespace("red").threadFactory());
        leftBehind.submit(() -> null).get();
        first.close();
        String report = GhostPolicy.takeReport();
        assertThat(report).contains("red-thread-1").contains("namespace 'red'").contains("at ");
        try (Topology second = twoNamespaces();
             ServerSocket server = second.namespace("blue").call(() -> new ServerSocket(7400))) {
            Future<String> attempt = leftBehind.submit(() -> {
                long started = System.nanoTime();
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("10.34.0.2", 7400), 5000);
                    return "connected";
                } catch (IOException e) {
                    return "failed after " + (System.nanoTime() - started) / 1_000_000 + " ms: " + e.getMessage();
                }
            });
            String outcome = attempt.get(10, TimeUnit.SECONDS);
            assertThat(outcome).startsWith("failed after");
            assertThat(Long.parseLong(outcome.replaceAll("failed after (\\d+) ms.*", "$1"))).isLessThan(1000);
            List<Escape> escapes = TopologyAddresses.takeFor(second.namespaces());
            assertThat(escapes).singleElement().satisfies(escape -> {
                assertThat(escape.target()).isEqualTo("10.34.0.2:7400");
                assertThat(escape.origin()).contains("namespace 'red' of a closed topology");
            });
        }
        leftBehind.shutdownNow();
        assertThat(leftBehind.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(sinkDescriptors()).as("the ghost's sink closes once it has ended").isEqualTo(sinksBefore));
    }

    @Test
    void withGhostsSetToFailTheTestFailsNamingTheThread() {
        EngineTestKit.engine("junit-jupiter").configurationParameter("netns.ghosts", "fail")
                .selectors(selectClass(LeavesAPoolCase.class)).execute()
                .testEvents().assertThatEvents().haveExactly(1, finishedWithFailure(cause(
                        message(text -> text.contains("red-thread-1") && text.contains("netns.ghosts=fail")))));
        GhostPolicy.configure("report");
        LeavesAPoolCase.pool.shutdownNow();
    }

    @NetnsTest
    @Namespace("red")
    static class LeavesAPoolCase {
        static ExecutorService pool;

        @Test
        void leavesAPool(@Namespace("red") NetNs red) throws Exception {
            pool = Executors.newSingleThreadExecutor(red.threadFactory());
            pool.submit(() -> null).get();
        }
    }
}
