package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Captures are bounded (also when their file is deleted while they record), survive their cable
 * being pulled out, and leave no file behind.
 */
@Isolated("sets the capture limit system property")
class CaptureLimitsIT {

    private static Topology pair() {
        return Topology.builder().namespace("red").namespace("blue")
                .veth("red", "10.9.0.1/24", "blue", "10.9.0.2/24").start();
    }

    @Test
    void aCaptureGoesOnAfterItsInterfaceWentDownAndUp() {
        try (Topology net = pair()) {
            NetNs red = net.namespace("red");
            Capture capture = net.namespace("blue").capture("eth0");
            assertThat(red.ping("blue").reachable()).isTrue();
            net.namespace("blue").link("eth0").down();
            net.namespace("blue").link("eth0").up();
            int before = capture.packets().size();
            assertThat(red.ping("blue").reachable()).isTrue();
            capture.close();
            assertThat(capture.packets().size()).as("packets recorded after the interface came back").isGreaterThan(before);
        }
    }

    @Test
    void aFloodKeepsOnlyTheLastBytesAndCountsWhatWasDropped() throws Exception {
        System.setProperty("netns.capture.maxBytes", Integer.toString(256 * 1024));
        try (Topology net = pair()) {
            NetNs red = net.namespace("red");
            Capture capture = net.namespace("blue").capture("eth0");
            red.exec("ping", "-f", "-c", "2000", "-s", "1000", "-q", "10.9.0.2");
            capture.close();
            long size = Files.size(capture.file());
            assertThat(size).as("the pcap file").isLessThanOrEqualTo(256 * 1024 + 24).isGreaterThan(64 * 1024);
            assertThat(capture.dropped()).as("packets dropped to stay within the limit").isGreaterThan(1000);
            assertThat(capture.packets().size() + capture.dropped()).isGreaterThanOrEqualTo(4000);
            Process tcpdump = new ProcessBuilder("tcpdump", "-n", "-r", capture.file().toString()).start();
            String read = new String(tcpdump.getInputStream().readAllBytes());
            assertThat(tcpdump.waitFor()).as("tcpdump reads the ring").isZero();
            assertThat(read.strip().split("\n")).hasSize(capture.packets().size());
        } finally {
            System.clearProperty("netns.capture.maxBytes");
        }
    }

    @Test
    void aRecordingDeletedWhileItGrowsStillKeepsToItsLimit() throws Exception {
        System.setProperty("netns.capture.maxBytes", Integer.toString(256 * 1024));
        try (Topology net = pair()) {
            NetNs red = net.namespace("red");
            Capture capture = net.namespace("blue").capture("eth0");
            String name = capture.file().getFileName().toString();
            red.exec("ping", "-f", "-c", "200", "-s", "1000", "-q", "10.9.0.2");
            try (Stream<Path> files = Files.list(capture.file().getParent())) {
                for (Path file : files.filter(path -> path.getFileName().toString().startsWith(name)).toList()) {
                    Files.delete(file);
                }
            }
            red.exec("ping", "-f", "-c", "3000", "-s", "1000", "-q", "10.9.0.2");
            long held = bytesOpen(name);
            assertThat(held).as("bytes of the deleted recording the JVM still holds open")
                    .isGreaterThan(64 * 1024).isLessThanOrEqualTo(256 * 1024 + 24);
            // the capture reads on a thread of its own: what the kernel still holds for it is counted once read
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(capture.dropped()).as("the flood went on past the limit").isGreaterThan(1000));
            capture.close();
            assertThat(bytesOpen(name)).as("bytes held open after the capture's close").isZero();
        } finally {
            System.clearProperty("netns.capture.maxBytes");
        }
    }

    /** The size of every file this JVM has open whose name starts with {@code name}, deleted ones included. */
    private static long bytesOpen(String name) throws IOException {
        long bytes = 0;
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            for (Path descriptor : descriptors.toList()) {
                try {
                    if (Files.readSymbolicLink(descriptor).getFileName().toString().startsWith(name)) {
                        bytes += Files.size(descriptor);
                    }
                } catch (IOException | RuntimeException closedMeanwhile) {
                    // not ours
                }
            }
        }
        return bytes;
    }

    @Test
    void theTopologysCloseRemovesItsCaptureFiles() {
        Path file;
        try (Topology net = pair()) {
            Capture capture = net.namespace("blue").capture("eth0");
            net.namespace("red").ping("blue");
            capture.close();
            file = capture.file();
            assertThat(file).as("readable after the capture's close").exists();
        }
        assertThat(file).as("after the topology's close").doesNotExist();
    }
}
