package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netns.internal.namespace.Graveyard;
import dev.netns.internal.namespace.NamespacePool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** A refusal by the kernel half-way through start() leaves nothing behind. */
@Isolated("counts the JVM's namespace descriptors and threads")
class RollbackIT {

    @Test
    void kernelRefusalHalfWayRollsEverythingBack() throws IOException {
        long namespacesBefore = namespaceDescriptors();

        // valid as declared, but the kernel refuses the second route to the same destination
        assertThatThrownBy(() -> Topology.builder()
                .namespace("red")
                .namespace("blue")
                .bridge("br0", "10.0.0.254/24")
                .veth("red", "10.0.0.1/24", "br0", null)
                .veth("blue", "10.0.0.2/24", "br0", null)
                .route("red", "10.9.0.0/16", "10.0.0.2")
                .route("red", "10.9.0.0/16", "10.0.0.254")
                .start())
                .isInstanceOf(NetnsException.class)
                .hasMessageStartingWith("route(\"red\", \"10.9.0.0/16\", \"10.0.0.254\"): add route failed")
                .hasMessageContaining("File exists");

        assertThat(namespaceThreads()).isEmpty();
        assertThat(namespaceDescriptors()).isEqualTo(namespacesBefore);
    }

    static List<String> namespaceThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("netns-junit-")).toList();
    }

    /** Descriptors of namespaces this JVM holds, not counting the pool's pristine ones. */
    static long namespaceDescriptors() throws IOException {
        NamespacePool.shared().settle();
        Graveyard.releaseAll();
        long pooled = NamespacePool.shared().readyCount();
        // the library's hold on the JVM's own namespace (home of its threads) is not a topology's
        String home = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return -pooled + descriptors.filter(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    return target.startsWith("net:") && !target.equals(home);
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }
}
