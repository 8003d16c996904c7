package dev.netns.internal.topology;

import dev.netns.NetnsException;
import dev.netns.internal.fault.PartitionRules;
import dev.netns.internal.fault.PartitionRules.Cut;
import dev.netns.internal.model.Cidr;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.model.TopologyModel;
import dev.netns.internal.system.KernelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The partitions that hold in a running topology, each under a key (a {@code Partition}, or the
 * pair of a {@code partition(a, b)}), and the rules they make in each namespace. After every
 * change the rules are computed again and only the namespaces whose rules changed are touched.
 */
final class TopologyPartitions {

    private final TopologyModel model;
    private final Map<String, NamespaceHandle> namespaces;
    private final Map<Object, Cut> held = new LinkedHashMap<>();
    private final Map<String, List<Set<IpAddress>>> applied = new HashMap<>();

    TopologyPartitions(TopologyModel model, Map<String, NamespaceHandle> namespaces) {
        this.model = model;
        this.namespaces = namespaces;
    }

    /** Makes {@code cut} hold under {@code key}; a no-op when that key already holds. */
    synchronized void add(Object key, Cut cut, String action) {
        if (held.putIfAbsent(key, cut) == null) {
            apply(action);
        }
    }

    /** Removes what holds under {@code key}; a no-op when nothing does. */
    synchronized void remove(Object key, String action) {
        if (held.remove(key) != null) {
            apply(action);
        }
    }

    /** Removes every partition. */
    synchronized void clear(String action) {
        if (!held.isEmpty()) {
            held.clear();
            apply(action);
        }
    }

    /** The keys that hold, in the order they were made, for reports. */
    synchronized List<Object> holding() {
        return new ArrayList<>(held.keySet());
    }

    private void apply(String action) {
        PartitionRules rules = PartitionRules.of(held.values(), namespaces.keySet(), this::addresses);
        for (String name : namespaces.keySet()) {
            List<Set<IpAddress>> wanted = List.of(Set.copyOf(rules.dropFrom(name)), Set.copyOf(rules.rejectTo(name)));
            List<Set<IpAddress>> before = applied.getOrDefault(name, List.of(Set.of(), Set.of()));
            if (wanted.equals(before)) {
                continue;
            }
            try {
                namespaces.get(name).applyPartitions(rules.dropFrom(name), rules.rejectTo(name));
                applied.put(name, wanted);
            } catch (KernelException e) {
                throw new NetnsException(action + ": apply the partition rules in namespace '" + name + "' failed: "
                        + e.getMessage(), e);
            }
        }
    }

    private List<IpAddress> addresses(String namespace) {
        return model.addressesOf(namespace).stream().map(Cidr::address).toList();
    }
}
