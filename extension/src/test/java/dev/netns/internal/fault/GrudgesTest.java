package dev.netns.internal.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netns.internal.fault.PartitionRules.Cut;
import dev.netns.internal.model.IpAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Partition shapes as grudges (who drops whom), without a network. */
class GrudgesTest {

    private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");

    @Test
    void completeGrudgeCutsBetweenComponentsOnly() {
        assertThat(Grudges.complete(List.of(List.of("a", "b"), List.of("c"))))
                .isEqualTo(Map.of("a", Set.of("c"), "b", Set.of("c"), "c", Set.of("a", "b")));
        assertThatThrownBy(() -> Grudges.complete(List.of(List.of("a", "b"), List.of("b"))))
                .hasMessageContaining("'b' is in more than one group");
    }

    @Test
    void isolateCutsOneNodeFromAllOthers() {
        assertThat(Grudges.isolate("b", List.of("a", "b", "c")))
                .isEqualTo(Map.of("b", Set.of("a", "c"), "a", Set.of("b"), "c", Set.of("b")));
    }

    @Test
    void oneWayIsOneGrudgeOfTheReceiver() {
        assertThat(Grudges.oneWay("a", "b")).isEqualTo(Map.of("b", Set.of("a")));
    }

    @Test
    void halvesRoundTheFirstHalfDown() {
        assertThat(Grudges.bisect(FIVE)).containsExactly(List.of("n1", "n2"), List.of("n3", "n4", "n5"));
        Map<String, Set<String>> grudge = Grudges.halves(FIVE);
        assertThat(grudge.get("n1")).containsExactlyInAnyOrder("n3", "n4", "n5");
        assertThat(grudge.get("n4")).containsExactlyInAnyOrder("n1", "n2");
    }

    @Test
    void bridgeKeepsOneNodeInTouchWithBothHalves() {
        Map<String, Set<String>> grudge = Grudges.bridge(FIVE);
        assertThat(Grudges.bridgeNode(FIVE)).isEqualTo("n3");
        assertThat(grudge).doesNotContainKey("n3");
        assertThat(grudge.get("n1")).containsExactlyInAnyOrder("n4", "n5");
        assertThat(grudge.get("n5")).containsExactlyInAnyOrder("n1", "n2");
        grudge.values().forEach(dropped -> assertThat(dropped).doesNotContain("n3"));
    }

    @Test
    void majoritiesRingGivesEveryNodeADifferentMajority() {
        for (List<String> nodes : List.of(List.of("a", "b", "c"), List.of("a", "b", "c", "d"), FIVE,
                List.of("a", "b", "c", "d", "e", "f", "g"))) {
            Map<String, Set<String>> grudge = Grudges.majoritiesRing(nodes);
            assertThat(grudge.keySet()).containsExactlyInAnyOrderElementsOf(nodes);
            Set<Set<String>> seen = new java.util.HashSet<>();
            for (String node : nodes) {
                Set<String> visible = new java.util.HashSet<>(nodes);
                visible.removeAll(grudge.get(node));
                assertThat(visible).as("%s sees %s", node, visible).contains(node).hasSize(nodes.size() / 2 + 1);
                assertThat(seen.add(visible)).as("%s sees the same majority as another node", node).isTrue();
            }
        }
        // five in a ring: each node sees itself and its two neighbours
        assertThat(Grudges.majoritiesRing(FIVE).get("n1")).containsExactlyInAnyOrder("n3", "n4");
        assertThatThrownBy(() -> Grudges.majoritiesRing(List.of("a", "b"))).hasMessageContaining("at least 3");
    }

    @Test
    void shufflingReplaysFromTheSeed() {
        assertThat(Grudges.shuffled(FIVE, 42)).isEqualTo(Grudges.shuffled(FIVE, 42)).containsExactlyInAnyOrderElementsOf(FIVE);
    }

    @Test
    void rulesDropAtTheReceiverAndRejectAtTheSender() {
        Map<String, List<IpAddress>> addresses = Map.of("a", List.of(IpAddress.parse("10.0.0.1")),
                "b", List.of(IpAddress.parse("10.0.0.2"), IpAddress.parse("fd00::2")), "c", List.of(IpAddress.parse("10.0.0.3")));
        PartitionRules silent = PartitionRules.of(List.of(new Cut(Grudges.oneWay("a", "b"), false)),
                addresses.keySet(), addresses::get);
        assertThat(silent.dropFrom("b")).containsExactly(IpAddress.parse("10.0.0.1"));
        assertThat(silent.dropFrom("a")).isEmpty();
        assertThat(silent.rejectTo("a")).isEmpty();
        assertThat(silent.dropFrom("c")).isEmpty();

        PartitionRules refusing = PartitionRules.of(List.of(new Cut(Grudges.oneWay("a", "b"), true)),
                addresses.keySet(), addresses::get);
        assertThat(refusing.rejectTo("a")).containsExactly(IpAddress.parse("10.0.0.2"), IpAddress.parse("fd00::2"));
        assertThat(refusing.dropFrom("b")).isEmpty();

        // both hold for a -> b: the silent one wins; b -> a is rejected
        PartitionRules both = PartitionRules.of(List.of(new Cut(Grudges.oneWay("a", "b"), false),
                new Cut(Grudges.complete(List.of(List.of("a"), List.of("b"))), true)), addresses.keySet(), addresses::get);
        assertThat(both.dropFrom("b")).containsExactly(IpAddress.parse("10.0.0.1"));
        assertThat(both.rejectTo("a")).isEmpty();
        assertThat(both.rejectTo("b")).containsExactly(IpAddress.parse("10.0.0.1"));
    }
}
