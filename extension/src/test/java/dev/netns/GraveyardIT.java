package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netns.internal.namespace.Graveyard;
import dev.netns.internal.topology.NamespaceHandle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** Closed namespaces are let go in batches, and soon: none is held once the JVM has been quiet for a moment. */
@Isolated("counts the JVM's namespace descriptors")
class GraveyardIT {

    @Test
    void aClosedNamespaceIsLetGoWithinAMomentOfQuiet() throws IOException {
        long inode;
        try (Topology net = Topology.builder().namespace("red").start()) {
            inode = ((NamespaceHandle) net.namespace("red")).inode();
        }
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(Graveyard.held()).isZero();
            assertThat(heldNamespaceInodes()).doesNotContain("net:[" + inode + "]");
        });
    }

    private static Stream<String> heldNamespaceInodes() throws IOException {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    return "";
                }
            }).toList().stream();
        }
    }
}
