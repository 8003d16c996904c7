package dev.netns;

import dev.netns.internal.fault.Grudges;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A shape of network partition between namespaces of a topology, applied with
 * {@link Topology#partition(Partition)} and removed with {@link Topology#heal()}. Shapes are
 * Jepsen's: isolate one node, groups, halves, a bridge, a majorities ring, and one-way cuts.
 *
 * <pre>{@code
 * net.partition(Partition.isolate("n1"));                        // n1 alone, n2 and n3 together
 * net.partition(Partition.groups(List.of("n1", "n2"), List.of("n3")));
 * net.partition(Partition.oneWay("n1", "n2"));                   // n1 -> n2 lost, n2 -> n1 arrives
 * net.partition(Partition.isolate("n1").rejecting());           // refused at once instead of silence
 * net.heal();
 * }</pre>
 *
 * <p>What the application sees: a partition is silence (a packet sent across is lost, a TCP
 * connect times out, an established connection stalls); {@link #rejecting()} is refusal (a TCP
 * connect fails at once with {@code ConnectException}, data on an established connection gets a
 * reset, UDP and ping get ICMP port-unreachable). Namespaces a partition does not name are
 * untouched, and so is traffic that a partitioned namespace forwards for others.
 *
 * <p>Immutable; two partitions of the same shape on the same nodes are equal.
 */
public final class Partition {

    private enum Shape { ISOLATE, GROUPS, ONE_WAY, MAJORITIES_RING, BRIDGE, HALVES }

    private final Shape shape;
    private final List<List<String>> nodes;
    private final boolean rejecting;

    private Partition(Shape shape, List<List<String>> nodes, boolean rejecting) {
        this.shape = shape;
        this.nodes = nodes;
        this.rejecting = rejecting;
    }

    /** {@code node} can reach no other namespace of the topology, nor they it. */
    public static Partition isolate(String node) {
        return new Partition(Shape.ISOLATE, List.of(names("isolate", node)), false);
    }

    /**
     * Traffic flows only within each group; namespaces in no group are untouched.
     *
     * <pre>{@code net.partition(Partition.groups(List.of("n1", "n2"), List.of("n3", "n4")));}</pre>
     *
     * @throws NetnsException when a namespace is in two groups or fewer than two groups are given
     */
    @SafeVarargs
    public static Partition groups(Collection<String>... groups) {
        if (groups == null || groups.length < 2) {
            throw new NetnsException("Partition.groups needs at least two groups, got "
                    + (groups == null ? "null" : Arrays.toString(groups)));
        }
        List<List<String>> copy = new ArrayList<>();
        for (Collection<String> group : groups) {
            if (group == null) {
                throw new NetnsException("Partition.groups: a group is null");
            }
            copy.add(names("groups", group.toArray(String[]::new)));
        }
        try {
            Grudges.complete(copy);
        } catch (IllegalArgumentException e) {
            throw new NetnsException("Partition.groups" + copy + ": " + e.getMessage());
        }
        return new Partition(Shape.GROUPS, List.copyOf(copy), false);
    }

    /**
     * Everything {@code from} sends to {@code to} is dropped, replies included (a ping fails both
     * ways, a TCP connection from {@code to} gets no answer); what {@code to} sends to
     * {@code from} arrives.
     */
    public static Partition oneWay(String from, String to) {
        List<String> pair = names("oneWay", from, to);
        if (from.equals(to)) {
            throw new NetnsException("Partition.oneWay(\"" + from + "\", \"" + to + "\"): a namespace cannot be cut from itself");
        }
        return new Partition(Shape.ONE_WAY, List.of(pair), false);
    }

    /**
     * Jepsen's majorities ring: the nodes, in the given order, form a ring; each sees the
     * majority of nodes around it and none of the others, so every node sees a majority and no
     * two see the same one. With three nodes some pairs are cut one way only.
     *
     * @throws NetnsException with fewer than three nodes
     */
    public static Partition majoritiesRing(String... nodes) {
        return checked(Shape.MAJORITIES_RING, "majoritiesRing", nodes);
    }

    /**
     * Jepsen's bridge: the first half of the nodes (rounded down) and the rest cannot talk to
     * each other, except through one node, the first of the second half, which talks to everyone.
     *
     * @throws NetnsException with fewer than three nodes
     */
    public static Partition bridge(String... nodes) {
        return checked(Shape.BRIDGE, "bridge", nodes);
    }

    /**
     * Two halves in the given order: the first half (rounded down) against the rest.
     *
     * @throws NetnsException with fewer than two nodes
     */
    public static Partition halves(String... nodes) {
        return checked(Shape.HALVES, "halves", nodes);
    }

    /**
     * Two halves of the nodes shuffled by {@code seed}: the same seed gives the same halves.
     *
     * @throws NetnsException with fewer than two nodes
     */
    public static Partition randomHalves(long seed, String... nodes) {
        Partition ordered = halves(nodes);
        return new Partition(Shape.HALVES, List.of(List.copyOf(Grudges.shuffled(ordered.nodes.get(0), seed))), false);
    }

    private static Partition checked(Shape shape, String name, String... nodes) {
        List<String> list = names(name, nodes);
        Partition partition = new Partition(shape, List.of(list), false);
        try {
            partition.grudge(list);
        } catch (IllegalArgumentException e) {
            throw new NetnsException("Partition." + e.getMessage());
        }
        return partition;
    }

    /**
     * The same partition, but a connection attempt across it fails at once (TCP reset:
     * {@code ConnectException} within a second) instead of timing out.
     */
    public Partition rejecting() {
        return new Partition(shape, nodes, true);
    }

    /** Whether this partition refuses instead of dropping silently. */
    public boolean isRejecting() {
        return rejecting;
    }

    /** The namespaces this partition names. */
    public Set<String> namespaces() {
        return nodes.stream().flatMap(List::stream).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    /**
     * Who drops whom among {@code topologyNamespaces} (Jepsen's "grudge"): each namespace mapped
     * to the namespaces whose packets it does not receive. A namespace that is not a key is
     * untouched. {@link #isolate} cuts its node from all of {@code topologyNamespaces}; the
     * other shapes use only the nodes they name.
     *
     * <pre>{@code Partition.oneWay("a", "b").grudge(List.of("a", "b", "c"))  // {b=[a]}}</pre>
     *
     * @throws IllegalArgumentException when a node of the shape is not among {@code topologyNamespaces}
     */
    public Map<String, Set<String>> grudge(Collection<String> topologyNamespaces) {
        for (String node : namespaces()) {
            if (!topologyNamespaces.contains(node)) {
                throw new IllegalArgumentException(this + ": no namespace '" + node + "' (there are: "
                        + String.join(", ", topologyNamespaces) + ")");
            }
        }
        List<String> first = nodes.get(0);
        try {
            return switch (shape) {
                case ISOLATE -> Grudges.isolate(first.get(0), topologyNamespaces);
                case GROUPS -> Grudges.complete(nodes);
                case ONE_WAY -> Grudges.oneWay(first.get(0), first.get(1));
                case MAJORITIES_RING -> Grudges.majoritiesRing(first);
                case BRIDGE -> Grudges.bridge(first);
                case HALVES -> Grudges.halves(first);
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(this + ": " + e.getMessage(), e);
        }
    }

    private static List<String> names(String shape, String... names) {
        if (names == null) {
            throw new NetnsException("Partition." + shape + ": the namespaces are null");
        }
        for (String name : names) {
            if (name == null || name.isBlank()) {
                throw new NetnsException("Partition." + shape + Arrays.toString(names) + ": a namespace name is null or blank");
            }
        }
        return List.of(names);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Partition that && shape == that.shape && nodes.equals(that.nodes)
                && rejecting == that.rejecting;
    }

    @Override
    public int hashCode() {
        return Objects.hash(shape, nodes, rejecting);
    }

    /** The shape as it was written, e.g. {@code isolate(n1)} or {@code oneWay(a, b).rejecting()}. */
    @Override
    public String toString() {
        String arguments = switch (shape) {
            case GROUPS -> nodes.stream().map(List::toString).collect(Collectors.joining(", "));
            default -> String.join(", ", nodes.get(0));
        };
        String name = switch (shape) {
            case ISOLATE -> "isolate";
            case GROUPS -> "groups";
            case ONE_WAY -> "oneWay";
            case MAJORITIES_RING -> "majoritiesRing";
            case BRIDGE -> "bridge";
            case HALVES -> "halves";
        };
        return name + "(" + arguments + ")" + (rejecting ? ".rejecting()" : "");
    }
}
