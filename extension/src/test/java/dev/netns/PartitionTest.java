package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The public shapes: their grudges, names and checks, without a network. */
class PartitionTest {

    private static final List<String> NODES = List.of("n1", "n2", "n3", "host");

    @Test
    void isolateCutsFromEveryNamespaceOfTheTopology() {
        assertThat(Partition.isolate("n1").grudge(NODES))
                .isEqualTo(Map.of("n1", Set.of("n2", "n3", "host"), "n2", Set.of("n1"), "n3", Set.of("n1"),
                        "host", Set.of("n1")));
    }

    @Test
    void groupsLeaveOthersUntouched() {
        Map<String, Set<String>> grudge = Partition.groups(List.of("n1"), List.of("n2")).grudge(NODES);
        assertThat(grudge).isEqualTo(Map.of("n1", Set.of("n2"), "n2", Set.of("n1")));
        assertThatThrownBy(() -> Partition.groups(List.of("n1", "n2"), List.of("n2")))
                .isInstanceOf(NetnsException.class).hasMessageContaining("'n2' is in more than one group");
        assertThatThrownBy(() -> Partition.groups(List.of("n1"))).isInstanceOf(NetnsException.class)
                .hasMessageContaining("at least two groups");
    }

    @Test
    void shapesNameThemselvesAsWritten() {
        assertThat(Partition.oneWay("n1", "n2").rejecting()).hasToString("oneWay(n1, n2).rejecting()");
        assertThat(Partition.groups(List.of("n1"), List.of("n2", "n3"))).hasToString("groups([n1], [n2, n3])");
        assertThat(Partition.majoritiesRing("n1", "n2", "n3")).hasToString("majoritiesRing(n1, n2, n3)");
        assertThat(Partition.isolate("n1").rejecting()).isEqualTo(Partition.isolate("n1").rejecting())
                .isNotEqualTo(Partition.isolate("n1"));
        assertThat(Partition.isolate("n1").rejecting().isRejecting()).isTrue();
    }

    @Test
    void randomHalvesReplayFromTheSeed() {
        String[] five = {"a", "b", "c", "d", "e"};
        assertThat(Partition.randomHalves(7, five)).isEqualTo(Partition.randomHalves(7, five));
        assertThat(Partition.randomHalves(7, five).namespaces()).containsExactlyInAnyOrder(five);
    }

    @Test
    void unknownNamespacesAndTooFewNodesAreRefused() {
        assertThatThrownBy(() -> Partition.isolate("n9").grudge(NODES)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no namespace 'n9'");
        assertThatThrownBy(() -> Partition.majoritiesRing("n1", "n2")).isInstanceOf(NetnsException.class)
                .hasMessageContaining("at least 3 nodes");
        assertThatThrownBy(() -> Partition.bridge("n1", "n2")).isInstanceOf(NetnsException.class);
        assertThatThrownBy(() -> Partition.oneWay("n1", "n1")).isInstanceOf(NetnsException.class);
        assertThatThrownBy(() -> Partition.isolate(null)).isInstanceOf(NetnsException.class);
    }
}
