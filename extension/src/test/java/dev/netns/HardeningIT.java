package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netns.internal.namespace.Graveyard;
import dev.netns.internal.topology.NamespaceHandle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Odd inputs and stale handles are refused or harmless, never turned against another topology. */
class HardeningIT {

    private static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE);

    @Test
    void aPathTakenBeforeCloseNeverNamesALaterTopologysNamespace() throws Exception {
        Path stale;
        try (Topology net = Topology.builder().namespace("red").start()) {
            stale = net.namespace("red").path();
        }
        Graveyard.releaseAll();
        for (int round = 0; round < 30; round++) {
            try (Topology later = Topology.builder().namespace("a").namespace("b").namespace("c").start()) {
                Set<Long> theirs = new HashSet<>();
                for (String name : new String[] {"a", "b", "c"}) {
                    theirs.add(((NamespaceHandle) later.namespace(name)).inode());
                }
                assertThat(inodeOf(stale)).as("round %d: the closed topology's path %s names a namespace of a later one",
                        round, stale).isNotIn(theirs);
            }
            Graveyard.releaseAll();
        }
    }

    @Test
    void hugeTimeoutsMeanNoTimeoutInsteadOfAnArithmeticError() {
        try (Topology net = Topology.builder().namespace("red").start()) {
            NetNs red = net.namespace("red");
            assertThat(red.exec(FOREVER, "true").succeeded()).isTrue();
            assertThat(red.ping("127.0.0.1", FOREVER).reachable()).isTrue();
            Program program = red.start("sh", "-c", "echo ready; sleep 0.2");
            assertThat(program.awaitOutput("ready", FOREVER)).isSameAs(program);
            assertThatThrownBy(() -> program.awaitOutput("never", FOREVER))
                    .isInstanceOf(NetnsException.class).hasMessageContaining("exited");
        }
    }

    @Test
    void theUnspecifiedAddressIsNeverReachable() {
        try (Topology net = Topology.builder().namespace("red").start()) {
            NetNs red = net.namespace("red");
            for (String nowhere : new String[] {"0.0.0.0", "::"}) {
                assertThatThrownBy(() -> red.ping(nowhere)).as(nowhere)
                        .isInstanceOf(NetnsException.class).hasMessageContaining("unspecified");
            }
        }
    }

    @Test
    void impairingLoopbackIsRefusedClearlyAndLoopbackKeepsWorking() {
        try (Topology net = Topology.builder().namespace("red").start()) {
            NetNs red = net.namespace("red");
            assertThatThrownBy(() -> red.link("lo").impair(Impairment.builder().loss(50).build()))
                    .isInstanceOf(NetnsException.class).hasMessageContaining("loopback");
            assertThat(red.ping("127.0.0.1").reachable()).isTrue();
        }
    }

    private static Long inodeOf(Path path) {
        try {
            return ((Number) Files.getAttribute(path, "unix:ino")).longValue();
        } catch (IOException gone) {
            return null;
        }
    }
}
