package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Teardown reaches processes that left the topology's namespaces, not only those still inside. */
class ContainmentIT {

    @Test
    void aProcessThatLeftTheNamespaceByUnshareDiesAtClose() throws Exception {
        String marker = "1011." + ThreadLocalRandom.current().nextInt(1, 1_000_000);
        try (Topology net = Topology.builder().namespace("red").start()) {
            net.namespace("red").exec("sh", "-c", "(unshare -n sleep " + marker + " &)");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(sleepers(marker)).as("the escaped sleep runs before close").hasSize(1));
        }
        assertThat(sleepers(marker)).as("an escaped process outlives close()").isEmpty();
    }

    @Test
    void aDaemonStartedWhileTheTopologyClosesDoesNotSurvive() throws Exception {
        String marker = "1012." + ThreadLocalRandom.current().nextInt(1, 1_000_000);
        for (int round = 0; round < 20; round++) {
            Topology net = Topology.builder().namespace("red").start();
            NetNs red = net.namespace("red");
            Thread racer = new Thread(() -> {
                try {
                    red.exec("sh", "-c", "(setsid unshare -n sleep " + marker + " &)");
                } catch (NetnsException closedMeanwhile) {
                    // the race is the point
                }
            });
            racer.start();
            Thread.sleep(round % 5);
            net.close();
            racer.join();
            assertThat(sleepers(marker)).as("round %d: a program started during close() survives it", round).isEmpty();
        }
    }

    /** The pids of processes whose command line is {@code sleep MARKER}. */
    static List<Long> sleepers(String marker) throws IOException {
        try (var processes = Files.list(Path.of("/proc"))) {
            return processes.filter(path -> path.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(path -> {
                        try {
                            return new String(Files.readAllBytes(path.resolve("cmdline"))).equals("sleep\0" + marker + "\0");
                        } catch (IOException | RuntimeException gone) {
                            return false;
                        }
                    })
                    .map(path -> Long.parseLong(path.getFileName().toString()))
                    .toList();
        }
    }
}
