package dev.netns.internal.fault;

import dev.netns.internal.model.IpAddress;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns the partitions that hold into the rules of each namespace. Pure.
 *
 * <p>A silent cut from {@code s} to {@code r} is a drop in {@code r}'s input of every packet
 * from an address of {@code s}: {@code s} sends, nothing arrives, as in Jepsen. A rejecting cut is
 * a reject in {@code s}'s output of every packet to an address of {@code r}: TCP gets a reset, the
 * rest an ICMP port-unreachable, delivered to {@code s} at once. Where a silent and a rejecting
 * cut hold for the same direction, the silent one wins (a network that drops does not answer).
 *
 * @param dropFrom per namespace: the source addresses whose packets its input drops
 * @param rejectTo per namespace: the destination addresses its output rejects
 */
public record PartitionRules(Map<String, Set<IpAddress>> dropFrom, Map<String, Set<IpAddress>> rejectTo) {

    /** One cut that holds: its grudge (receiver to the senders it does not hear) and whether it rejects. */
    public record Cut(Map<String, Set<String>> grudge, boolean rejecting) {
    }

    /** The rules for {@code cuts}; every namespace of {@code namespaces} gets an entry, empty when untouched. */
    public static PartitionRules of(Collection<Cut> cuts, Collection<String> namespaces,
            Function<String, List<IpAddress>> addresses) {
        Set<List<String>> dropped = new LinkedHashSet<>();
        Set<List<String>> rejected = new LinkedHashSet<>();
        for (Cut cut : cuts) {
            cut.grudge().forEach((receiver, senders) -> senders.forEach(sender ->
                    (cut.rejecting() ? rejected : dropped).add(List.of(sender, receiver))));
        }
        rejected.removeAll(dropped);
        Map<String, Set<IpAddress>> dropFrom = new LinkedHashMap<>();
        Map<String, Set<IpAddress>> rejectTo = new LinkedHashMap<>();
        for (String namespace : namespaces) {
            dropFrom.put(namespace, new LinkedHashSet<>());
            rejectTo.put(namespace, new LinkedHashSet<>());
        }
        for (List<String> edge : dropped) {
            dropFrom.computeIfAbsent(edge.get(1), key -> new LinkedHashSet<>()).addAll(addresses.apply(edge.get(0)));
        }
        for (List<String> edge : rejected) {
            rejectTo.computeIfAbsent(edge.get(0), key -> new LinkedHashSet<>()).addAll(addresses.apply(edge.get(1)));
        }
        return new PartitionRules(dropFrom, rejectTo);
    }

    /** The sources {@code namespace} drops. */
    public Set<IpAddress> dropFrom(String namespace) {
        return dropFrom.getOrDefault(namespace, Set.of());
    }

    /** The destinations {@code namespace} rejects. */
    public Set<IpAddress> rejectTo(String namespace) {
        return rejectTo.getOrDefault(namespace, Set.of());
    }
}
