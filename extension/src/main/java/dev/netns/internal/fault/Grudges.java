package dev.netns.internal.fault;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Partition shapes as Jepsen writes them: a grudge maps each node to the nodes whose packets it
 * drops. Pure functions of the node lists, so every shape is tested without a network. A node
 * that appears in no grudge is untouched.
 */
public final class Grudges {

    private Grudges() {
    }

    /** Traffic flows only within each component: every node drops what comes from the other components. */
    public static Map<String, Set<String>> complete(List<? extends Collection<String>> components) {
        Set<String> seen = new LinkedHashSet<>();
        for (Collection<String> component : components) {
            for (String node : component) {
                if (!seen.add(node)) {
                    throw new IllegalArgumentException("'" + node + "' is in more than one group");
                }
            }
        }
        Map<String, Set<String>> grudge = new LinkedHashMap<>();
        for (Collection<String> component : components) {
            for (String node : component) {
                Set<String> dropped = new LinkedHashSet<>(seen);
                dropped.removeAll(component);
                grudge.put(node, dropped);
            }
        }
        return freeze(grudge);
    }

    /** {@code node} on its own, every other of {@code all} together. */
    public static Map<String, Set<String>> isolate(String node, Collection<String> all) {
        if (!all.contains(node)) {
            throw new IllegalArgumentException("'" + node + "' is not one of " + all);
        }
        List<String> others = new ArrayList<>(all);
        others.remove(node);
        return complete(List.of(List.of(node), others));
    }

    /** {@code to} drops what {@code from} sends; nothing else changes. */
    public static Map<String, Set<String>> oneWay(String from, String to) {
        if (from.equals(to)) {
            throw new IllegalArgumentException("a node cannot be cut from itself");
        }
        return freeze(Map.of(to, Set.of(from)));
    }

    /** The first half (rounded down) and the rest. */
    public static List<List<String>> bisect(List<String> nodes) {
        int half = nodes.size() / 2;
        return List.of(List.copyOf(nodes.subList(0, half)), List.copyOf(nodes.subList(half, nodes.size())));
    }

    /** The nodes in an order drawn from {@code seed}: the same seed, the same order. */
    public static List<String> shuffled(List<String> nodes, long seed) {
        List<String> order = new ArrayList<>(nodes);
        Collections.shuffle(order, new Random(seed));
        return order;
    }

    /** Two halves, in the given order: the first {@code n/2} nodes against the rest. */
    public static Map<String, Set<String>> halves(List<String> nodes) {
        requireAtLeast(2, nodes, "halves");
        return complete(bisect(nodes));
    }

    /**
     * Jepsen's bridge: two halves that cannot talk to each other, and one node (the first of the
     * second half) that talks to both.
     */
    public static Map<String, Set<String>> bridge(List<String> nodes) {
        requireAtLeast(3, nodes, "bridge");
        List<List<String>> halves = bisect(nodes);
        String bridge = halves.get(1).get(0);
        Map<String, Set<String>> grudge = new LinkedHashMap<>();
        complete(halves).forEach((node, dropped) -> {
            if (!node.equals(bridge)) {
                Set<String> kept = new LinkedHashSet<>(dropped);
                kept.remove(bridge);
                grudge.put(node, kept);
            }
        });
        return freeze(grudge);
    }

    /** The node in the middle of a shape made by {@link #bridge}: the one that sees both halves. */
    public static String bridgeNode(List<String> nodes) {
        return bisect(nodes).get(1).get(0);
    }

    /**
     * Jepsen's majorities ring: the nodes in a ring, in the given order; each node sees the
     * majority-sized window of the ring around it and drops the rest. Every node sees a majority,
     * no two see the same one.
     */
    public static Map<String, Set<String>> majoritiesRing(List<String> nodes) {
        requireAtLeast(3, nodes, "majoritiesRing");
        if (new LinkedHashSet<>(nodes).size() != nodes.size()) {
            throw new IllegalArgumentException("majoritiesRing: a node is named twice in " + nodes);
        }
        int n = nodes.size();
        int majority = n / 2 + 1;
        Map<String, Set<String>> grudge = new LinkedHashMap<>();
        for (int start = 0; start < n; start++) {
            Set<String> window = new LinkedHashSet<>();
            for (int i = 0; i < majority; i++) {
                window.add(nodes.get((start + i) % n));
            }
            String centre = nodes.get((start + majority / 2) % n);
            Set<String> dropped = new LinkedHashSet<>(nodes);
            dropped.removeAll(window);
            grudge.put(centre, dropped);
        }
        return freeze(grudge);
    }

    /** Whether {@code receiver} drops what {@code sender} sends under {@code grudge}. */
    public static boolean drops(Map<String, Set<String>> grudge, String receiver, String sender) {
        return grudge.getOrDefault(receiver, Set.of()).contains(sender);
    }

    private static void requireAtLeast(int count, List<String> nodes, String shape) {
        if (nodes.size() < count) {
            throw new IllegalArgumentException(shape + " needs at least " + count + " nodes, got " + nodes);
        }
        if (new LinkedHashSet<>(nodes).size() != nodes.size()) {
            throw new IllegalArgumentException(shape + ": a node is named twice in " + nodes);
        }
    }

    private static Map<String, Set<String>> freeze(Map<String, Set<String>> grudge) {
        Map<String, Set<String>> frozen = new LinkedHashMap<>();
        grudge.forEach((node, dropped) -> frozen.put(node, Collections.unmodifiableSet(new LinkedHashSet<>(dropped))));
        return Collections.unmodifiableMap(frozen);
    }
}
