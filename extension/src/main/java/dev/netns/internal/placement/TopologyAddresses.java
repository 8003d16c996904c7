package dev.netns.internal.placement;

import dev.netns.NetNs;
import dev.netns.internal.model.IpAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The addresses of the running topologies, so that a connection attempt caught by a sink can be
 * charged to the topology it was meant for, and the escapes charged to each topology until it
 * closes.
 */
public final class TopologyAddresses {

    private static final System.Logger LOG = System.getLogger(TopologyAddresses.class.getName());
    private static final int MAX_KEPT = 50;
    private static final Map<Object, Map<IpAddress, String>> LIVE = new IdentityHashMap<>();
    private static final Map<Object, List<Escape>> CHARGED = new IdentityHashMap<>();
    private static final Set<String> WARNED = new HashSet<>();

    private TopologyAddresses() {
    }

    /** Records {@code owner}'s addresses, each with the logical name of its namespace. */
    public static synchronized void register(Object owner, Map<IpAddress, String> addresses) {
        LIVE.put(owner, Map.copyOf(addresses));
        CHARGED.put(owner, new ArrayList<>());
    }

    /** The escapes charged to {@code owner} since the last call, each once; it stays registered. */
    public static synchronized List<Escape> take(Object owner) {
        List<Escape> escapes = CHARGED.get(owner);
        if (escapes == null || escapes.isEmpty()) {
            return List.of();
        }
        List<Escape> taken = List.copyOf(escapes);
        escapes.clear();
        return taken;
    }

    /**
     * The escapes charged since the last call to the topology whose namespaces are
     * {@code namespaces}: a running topology registers under its first namespace.
     */
    public static List<Escape> takeFor(List<NetNs> namespaces) {
        return namespaces.isEmpty() ? List.of() : take(namespaces.get(0));
    }

    /** Forgets {@code owner}; returns the escapes charged to it, each once. */
    public static synchronized List<Escape> unregister(Object owner) {
        LIVE.remove(owner);
        List<Escape> escapes = CHARGED.remove(owner);
        return escapes == null ? List.of() : List.copyOf(escapes);
    }

    /** Charges {@code escape} to every running topology that has its destination. */
    static synchronized void charge(Escape escape) {
        boolean charged = false;
        for (Map.Entry<Object, Map<IpAddress, String>> topology : LIVE.entrySet()) {
            String namespace = topology.getValue().get(escape.destination());
            if (namespace != null) {
                List<Escape> escapes = CHARGED.get(topology.getKey());
                Escape chargedHere = escape.in(namespace);
                if (escapes.size() < MAX_KEPT && !escapes.contains(chargedHere)) {
                    escapes.add(chargedHere);
                }
                charged = true;
            }
        }
        if (!charged && WARNED.add(escape.protocol() + " " + escape.target())) {
            LOG.log(System.Logger.Level.WARNING, "netns-junit: JVM code " + escape.origin() + " sent " + escape.protocol()
                    + " to " + escape.target() + ", which no running topology has; it was refused. " + Escapes.HOW_TO_PUT_INSIDE);
        }
    }
}
