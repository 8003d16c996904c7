package dev.netns.internal.topology;

import dev.netns.SocketInfo;
import dev.netns.internal.fault.ChallengeTrigger;
import dev.netns.internal.fault.ConnectionsBetween;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.netlink.NftablesNetlink;
import dev.netns.internal.netlink.SockDiag;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Breaks the TCP connections between two namespaces so that both ends see a reset
 * ({@code ECONNRESET}, Java's "Connection reset"), found in each namespace through sock_diag.
 *
 * <p>In each namespace, for the instant of the reset: an output rule answers every segment the
 * connection sends with a TCP reset delivered back to the sender, with the sequence number it
 * expects; a SYN on the connection's four-tuple ({@link ChallengeTrigger}) makes the socket send
 * such a segment at once. A connection still open after that (e.g. the kernel rate-limited its
 * challenge ACK) is destroyed with sock_diag {@code SOCK_DESTROY}: that end then sees
 * {@code ECONNABORTED} ("Software caused connection abort") instead, its peer still a reset.
 */
final class ConnectionReset {

    private static final System.Logger LOG = System.getLogger(ConnectionReset.class.getName());
    private static final long SETTLE_NANOS = 300_000_000L;

    private ConnectionReset() {
    }

    /** One namespace's side: the handle, its addresses, the peer's. */
    record Side(NamespaceHandle namespace, List<IpAddress> addresses, List<IpAddress> peers) {

        List<SockDiag.Entry> connections() {
            return namespace.socketEntries().stream()
                    .filter(entry -> ConnectionsBetween.connects(entry.info(), addresses, peers)).toList();
        }
    }

    /** Resets every connection between the two sides; returns how many sockets were found. */
    static int reset(Side first, Side second) {
        List<Side> sides = List.of(first, second);
        List<List<SockDiag.Entry>> found = new ArrayList<>();
        for (Side side : sides) {
            found.add(side.connections());
        }
        try {
            for (int i = 0; i < sides.size(); i++) {
                List<SocketInfo> connections = found.get(i).stream().map(SockDiag.Entry::info).toList();
                if (!connections.isEmpty()) {
                    onThread(sides.get(i), () -> {
                        NftablesNetlink.applyResets(connections);
                        connections.forEach(connection -> ChallengeTrigger.send(connection.local(), connection.remote(),
                                ThreadLocalRandom.current().nextInt()));
                    });
                }
            }
            awaitGone(sides, found);
        } finally {
            for (int i = 0; i < sides.size(); i++) {
                if (!found.get(i).isEmpty()) {
                    onThread(sides.get(i), () -> NftablesNetlink.applyResets(List.of()));
                }
            }
        }
        for (int i = 0; i < sides.size(); i++) {
            List<SockDiag.Entry> left = stillOpen(sides.get(i), found.get(i));
            if (!left.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "resetConnections: " + left.size() + " connection(s) in namespace '"
                        + sides.get(i).namespace().name() + "' did not take the reset; destroyed with SOCK_DESTROY: "
                        + left.stream().map(SockDiag.Entry::info).toList());
                sides.get(i).namespace().destroySockets(left);
            }
        }
        return found.get(0).size() + found.get(1).size();
    }

    private static void awaitGone(List<Side> sides, List<List<SockDiag.Entry>> found) {
        long deadline = System.nanoTime() + SETTLE_NANOS;
        while (System.nanoTime() < deadline) {
            boolean open = false;
            for (int i = 0; i < sides.size() && !open; i++) {
                open = !stillOpen(sides.get(i), found.get(i)).isEmpty();
            }
            if (!open) {
                return;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static List<SockDiag.Entry> stillOpen(Side side, List<SockDiag.Entry> found) {
        if (found.isEmpty()) {
            return List.of();
        }
        Set<SocketInfo> now = side.connections().stream().map(SockDiag.Entry::info).collect(Collectors.toSet());
        return found.stream().filter(entry -> now.contains(entry.info())).toList();
    }

    private static void onThread(Side side, Runnable work) {
        side.namespace().thread().runUnchecked(() -> {
            work.run();
            return null;
        });
    }
}
