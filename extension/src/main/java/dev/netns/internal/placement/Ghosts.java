package dev.netns.internal.placement;

import dev.netns.LinkInfo;
import dev.netns.internal.netlink.NetlinkInspector;
import dev.netns.internal.netlink.NetlinkSocket;
import dev.netns.internal.netlink.RouteNetlink;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Threads of this JVM that still live in a namespace of a topology that closed: found through
 * {@code /proc/self/task/*}{@code /ns/net}, named with their top frames, and cut off: the
 * namespace loses its cables, and a sink becomes its only way out, so their sockets fail at once
 * instead of talking to a network that no longer exists (which a later test would mistake for its
 * own). The sink closes, and the kernel frees the namespace, once the last of them has ended.
 */
public final class Ghosts {

    private static final System.Logger LOG = System.getLogger(Ghosts.class.getName());
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final int FRAMES = 5;
    private static final int SETTLE_ROUNDS = 10;
    private static final long SETTLE_MILLIS = 10;

    /** One thread found in a closed namespace. */
    record Ghost(int tid, String nativeName, long inode) {
    }

    private Ghosts() {
    }

    /**
     * Finds this JVM's threads living in the namespaces {@code inodes} (inode to logical name),
     * cuts those namespaces off, and describes the threads.
     *
     * @return the description for the report, empty when there are none
     */
    public static String findAndCutOff(Map<Long, String> inodes, String topology) {
        List<Ghost> ghosts = find(inodes.keySet());
        // a thread that Java already counts as ended leaves /proc a moment later: give it that moment
        for (int wait = 0; !ghosts.isEmpty() && wait < SETTLE_ROUNDS; wait++) {
            try {
                Thread.sleep(SETTLE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            ghosts = find(inodes.keySet());
        }
        if (ghosts.isEmpty()) {
            return "";
        }
        Map<Long, Ghost> byNamespace = new LinkedHashMap<>();
        ghosts.forEach(ghost -> byNamespace.putIfAbsent(ghost.inode(), ghost));
        byNamespace.forEach((inode, ghost) -> cutOff(ghost, inodes.get(inode), topology));
        return describe(ghosts, inodes);
    }

    /** The threads of this JVM whose network namespace is one of {@code inodes}. */
    static List<Ghost> find(Set<Long> inodes) {
        List<Ghost> found = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                long inode = inodeOf(task.resolve("ns/net"));
                if (inodes.contains(inode)) {
                    String name;
                    try {
                        name = Files.readString(task.resolve("comm")).strip();
                    } catch (IOException ended) {
                        continue;
                    }
                    found.add(new Ghost(Integer.parseInt(task.getFileName().toString()), name, inode));
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot list " + TASKS + ": " + e);
        }
        return found;
    }

    /** The inode of the namespace that {@code link} ({@code net:[4026532000]}) names, or -1. */
    static long inodeOf(Path link) {
        try {
            String target = Files.readSymbolicLink(link).toString();
            return Long.parseLong(target.substring(target.indexOf('[') + 1, target.indexOf(']')));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String describe(List<Ghost> ghosts, Map<Long, String> names) {
        Map<Thread, StackTraceElement[]> threads = Thread.getAllStackTraces();
        StringBuilder text = new StringBuilder();
        for (Ghost ghost : ghosts) {
            text.append("  thread \"").append(ghost.nativeName()).append("\" in namespace '").append(names.get(ghost.inode()))
                    .append("'");
            threads.forEach((thread, frames) -> {
                if (thread.getName().startsWith(ghost.nativeName())) {
                    text.append("\n    ").append(thread.getName());
                    for (int i = 0; i < Math.min(FRAMES, frames.length); i++) {
                        text.append("\n      at ").append(frames[i]);
                    }
                }
            });
            text.append('\n');
        }
        return text.toString();
    }

    /** Deletes the cables of the ghost's namespace and makes a sink its default route, from a thread of its own. */
    private static void cutOff(Ghost ghost, String name, String topology) {
        Thread cutter = new Thread(() -> {
            int fd;
            try {
                fd = Libc.open(TASKS.resolve(Integer.toString(ghost.tid())).resolve("ns/net").toString(),
                        Libc.O_RDONLY | Libc.O_CLOEXEC);
            } catch (KernelException ended) {
                return; // the ghost has ended meanwhile, and the namespace with it
            }
            try {
                Libc.setns(fd, Libc.CLONE_NEWNET);
                try (NetlinkSocket socket = NetlinkSocket.open()) {
                    RouteNetlink routes = new RouteNetlink(socket);
                    for (LinkInfo link : new NetlinkInspector(socket).links()) {
                        if (!link.name().equals("lo")) {
                            try {
                                routes.deleteLink(link.name());
                            } catch (KernelException gone) {
                                // the peer of a veth deleted just before
                            }
                        }
                    }
                }
                EscapeSink.attachToCallingThreadsNamespace("in namespace '" + name + "' of a closed topology (" + topology
                        + "), on a thread that outlived it", stillHaunted(ghost.inode()));
            } catch (KernelException e) {
                LOG.log(System.Logger.Level.WARNING, "netns-junit: cannot cut off namespace '" + name + "' of a closed "
                        + "topology, where threads of this JVM still live: " + e.getMessage());
            } finally {
                Libc.close(fd);
            }
        }, "netns-ghost-cutter");
        cutter.setDaemon(true);
        cutter.start();
        try {
            cutter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True once no thread of this JVM lives in namespace {@code inode} any more (checked at most twice a second). */
    private static BooleanSupplier stillHaunted(long inode) {
        AtomicLong lastCheck = new AtomicLong();
        return () -> {
            long now = System.nanoTime();
            if (now - lastCheck.get() < 500_000_000L) {
                return false;
            }
            lastCheck.set(now);
            // the sink's own descriptor holds the namespace, not a thread: only threads count
            return find(Set.of(inode)).isEmpty();
        };
    }
}
