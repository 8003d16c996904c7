package dev.netns.internal.placement;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The namespace names of the running topologies, by the namespaces they are valid in: a thread
 * living in a namespace of a topology resolves that topology's names, and no other topology's,
 * also when parallel or consecutive topologies use the same names. Read by the JDK's name
 * resolution on Java 18 and later ({@code TopologyNameResolverProvider}).
 */
public final class TopologyNames {

    private static final Map<Long, Map<String, List<InetAddress>>> BY_NAMESPACE = new ConcurrentHashMap<>();

    private TopologyNames() {
    }

    /** Makes {@code names} valid for threads living in the namespaces {@code inodes}. */
    public static void register(Iterable<Long> inodes, Map<String, List<InetAddress>> names) {
        Map<String, List<InetAddress>> copy = Map.copyOf(names);
        inodes.forEach(inode -> BY_NAMESPACE.put(inode, copy));
    }

    /** Forgets the names valid in the namespaces {@code inodes}. */
    public static void unregister(Iterable<Long> inodes) {
        inodes.forEach(BY_NAMESPACE::remove);
    }

    /** The addresses {@code host} stands for on the calling thread: empty outside topologies or for other names. */
    public static Optional<List<InetAddress>> lookup(String host) {
        if (BY_NAMESPACE.isEmpty() || host == null) {
            return Optional.empty();
        }
        Map<String, List<InetAddress>> names = BY_NAMESPACE.get(Ghosts.inodeOf(java.nio.file.Path.of("/proc/thread-self/ns/net")));
        return names == null ? Optional.empty() : Optional.ofNullable(names.get(host));
    }
}
