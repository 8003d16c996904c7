package dev.netns.internal.traffic;

import dev.netns.ExecResult;
import dev.netns.Impairment;
import dev.netns.NetNs;
import dev.netns.NetnsException;
import dev.netns.internal.namespace.NamespaceThread;
import dev.netns.internal.netlink.RouteNetlink;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Errno;
import dev.netns.internal.system.Libc;
import dev.netns.internal.system.Sysctl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Impairs what leaves one interface, the same way on every kernel, netem or not: the interface's
 * egress is redirected (tc {@code clsact} with a {@code u32} match-all filter and a {@code mirred}
 * redirect) into one end of a veth pair of the shaper's own, whose other end this JVM reads with an
 * {@code AF_PACKET} socket. (A TAP device would do the same, but needs /dev/net/tun, which an
 * unprivileged user often may not open; offloads are turned off on the feed end, so the kernel
 * hands over whole, checksummed frames.) A shaper thread drops, duplicates,
 * corrupts, holds and rate-limits them as {@link ShapingDecisions} and the rate say, then sends them
 * out through an {@code AF_PACKET} socket bound to the interface with {@code PACKET_QDISC_BYPASS},
 * which skips the redirect, so nothing loops. The interface itself is never replaced (same name,
 * index, MAC). Without an impairment nothing is redirected and the link runs at full speed.
 */
public final class LinkShaper implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LinkShaper.class.getName());
    private static final AtomicInteger SHAPER_NUMBERS = new AtomicInteger();
    private static final int QUEUE_LIMIT = 10_000;
    private static final int MAX_FRAME = 65_536;
    private static final int EINTR = 4;

    private final NetNs namespace;
    private final NamespaceThread namespaceThread;
    private final String interfaceName;
    private final String shaperLink;
    private final int receiveFd;
    private final int packetFd;
    private final Thread thread;
    private volatile ShapingDecisions decisions;
    private volatile Impairment impairment;
    private volatile boolean stopping;
    private long dropped;
    private long sent;

    private LinkShaper(NetNs namespace, NamespaceThread namespaceThread, String interfaceName, String shaperLink, int receiveFd, int packetFd) {
        this.namespace = namespace;
        this.namespaceThread = namespaceThread;
        this.interfaceName = interfaceName;
        this.shaperLink = shaperLink;
        this.receiveFd = receiveFd;
        this.packetFd = packetFd;
        this.thread = new Thread(this::run, "netns-shaper-" + namespace.name() + "-" + interfaceName);
        this.thread.setDaemon(true);
    }

    /** Redirects the interface's egress through a new shaper applying {@code impairment} with {@code seed}. */
    public static LinkShaper start(NetNs namespace, NamespaceThread namespaceThread, String interfaceName, Impairment impairment, long seed) {
        String shaperLink = "njshape" + SHAPER_NUMBERS.incrementAndGet();
        int[] fds = namespaceThread.runUnchecked(() -> openDevices(interfaceName, shaperLink, namespace, namespaceThread));
        LinkShaper shaper = new LinkShaper(namespace, namespaceThread, interfaceName, shaperLink, fds[0], fds[1]);
        shaper.update(impairment, seed);
        try {
            tc(namespace, "qdisc", "add", "dev", interfaceName, "clsact");
            tc(namespace, "filter", "add", "dev", interfaceName, "egress", "protocol", "all", "u32", "match", "u32", "0", "0",
                    "action", "mirred", "egress", "redirect", "dev", shaperLink);
        } catch (NetnsException e) {
            shaper.closeDevices();
            tcQuietly(namespace, "qdisc", "del", "dev", interfaceName, "clsact");
            throw e;
        }
        shaper.thread.start();
        return shaper;
    }

    /**
     * On the namespace's thread: a veth pair of the shaper's own (IPv6 off, up; the redirect feeds
     * one end, the frames are read from the other, so no TUN/TAP device and no /dev/net/tun access
     * is needed, also without root) and the sockets that receive from it and send on the interface.
     */
    private static int[] openDevices(String interfaceName, String shaperLink, NetNs namespace,
            NamespaceThread namespaceThread) throws Exception {
        int index;
        try {
            index = Libc.interfaceIndex(interfaceName);
        } catch (KernelException e) {
            throw new NetnsException("impair " + interfaceName + " in namespace '" + namespace.name() + "': "
                    + (e.errno() == Errno.ENODEV ? "no such interface" : Libc.describe(e.errno())), e);
        }
        RouteNetlink netlink = namespaceThread.routeNetlink();
        String feed = shaperLink;
        String exit = shaperLink + "r";
        try {
            netlink.createVeth(feed, exit, namespaceThread.fd());
        } catch (KernelException e) {
            throw new NetnsException("impair " + interfaceName + " in namespace '" + namespace.name() + "': " + e.getMessage(), e);
        }
        try {
            // the kernel segments and checksums what it hands to the feed end, so whole frames come out
            Ethtool.disableOffloads(feed);
            for (String end : new String[] {feed, exit}) {
                if (Sysctl.exists("net/ipv6/conf/" + end + "/disable_ipv6")) {
                    // these ends only carry the redirected frames: no chatter of their own
                    Sysctl.set("net/ipv6/conf/" + end + "/disable_ipv6", "1");
                }
                netlink.setUp(end, true);
            }
            int receive = packetSocket(Libc.if_nametoindex(exit), Libc.ETH_P_ALL);
            int send;
            try {
                send = packetSocket(index, 0);
                Libc.setsockopt(send, Libc.SOL_PACKET, Libc.PACKET_QDISC_BYPASS, new int[] {1}, 4);
            } catch (KernelException e) {
                Libc.close(receive);
                throw e;
            }
            return new int[] {receive, send};
        } catch (KernelException e) {
            netlink.deleteLink(feed);
            throw new NetnsException("impair " + interfaceName + " in namespace '" + namespace.name() + "': "
                    + Libc.describe(e.errno()), e);
        } catch (RuntimeException e) {
            netlink.deleteLink(feed);
            throw e;
        }
    }

    /** An AF_PACKET socket bound to an interface; {@code protocol} 0 receives nothing (send only). */
    private static int packetSocket(int interfaceIndex, int protocol) {
        int networkOrder = ((protocol & 0xff) << 8) | ((protocol >>> 8) & 0xff);
        int fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, networkOrder);
        try {
            byte[] address = new byte[20];
            ByteBuffer.wrap(address).order(ByteOrder.nativeOrder()).putShort((short) Libc.AF_PACKET)
                    .putShort((short) networkOrder).putInt(interfaceIndex);
            Libc.bind(fd, address, address.length);
            return fd;
        } catch (KernelException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** Changes the impairment in place: the redirect and the interface stay as they are. */
    public void update(Impairment newImpairment, long seed) {
        this.decisions = new ShapingDecisions(newImpairment, seed);
        this.impairment = newImpairment;
    }

    /** The impairment in force, with its seed. */
    Impairment impairment() {
        return impairment;
    }

    private void run() {
        byte[] buffer = new byte[MAX_FRAME];
        PriorityQueue<Pending> queue = new PriorityQueue<>();
        long order = 0;
        long nextFree = 0;
        int[] pollfd = new int[2];
        long[] timeout = new long[2];
        try {
            while (!stopping) {
                long now = System.nanoTime();
                long waitNanos = 50_000_000L;
                if (!queue.isEmpty()) {
                    waitNanos = Math.min(waitNanos, Math.max(0, Math.max(queue.peek().due, nextFree) - now));
                }
                pollfd[0] = receiveFd;
                pollfd[1] = Libc.POLLIN;
                timeout[0] = waitNanos / 1_000_000_000L;
                timeout[1] = waitNanos % 1_000_000_000L;
                int ready;
                try {
                    ready = Libc.ppoll(pollfd, 1, timeout, null);
                } catch (KernelException e) {
                    if (e.errno() == EINTR) {
                        continue;
                    }
                    throw e;
                }
                if (ready > 0) {
                    int length = (int) Libc.recv(receiveFd, buffer, buffer.length, 0);
                    if (length > 0) {
                        order = admit(queue, buffer, length, order);
                    }
                }
                now = System.nanoTime();
                while (!queue.isEmpty() && queue.peek().due <= now && nextFree <= now) {
                    Pending frame = queue.poll();
                    Libc.send(packetFd, frame.bytes, frame.bytes.length, 0);
                    sent++;
                    OptionalRate rate = OptionalRate.of(impairment);
                    // a token bucket: time not used while idle is kept as credit, up to one burst
                    nextFree = rate.bitsPerSecond > 0
                            ? Math.max(nextFree, now - rate.burstNanos()) + frame.bytes.length * 8L * 1_000_000_000L
                                    / rate.bitsPerSecond
                            : 0;
                    now = System.nanoTime();
                }
            }
        } catch (KernelException e) {
            if (!stopping) {
                LOG.log(System.Logger.Level.WARNING, "the shaper of " + namespace.name() + ":" + interfaceName
                        + " stopped: " + Libc.describe(e.errno()) + "; traffic through it is dropped until "
                        + "clearImpairment()");
            }
        }
    }

    private long admit(PriorityQueue<Pending> queue, byte[] buffer, int length, long order) {
        ShapingDecisions.Decision decision = decisions.decide(buffer, length);
        if (decision.drop() || queue.size() >= QUEUE_LIMIT) {
            dropped++;
            return order;
        }
        long due = System.nanoTime() + decision.delayNanos();
        for (int copy = 0; copy < decision.copies(); copy++) {
            byte[] frame = Arrays.copyOf(buffer, length);
            if (decision.corruptBit() >= 0 && copy == 0) {
                frame[decision.corruptBit() / 8] ^= (byte) (1 << (decision.corruptBit() % 8));
            }
            queue.add(new Pending(due, order++, frame));
        }
        return order;
    }

    /** A frame waiting for its time; ties leave in arrival order. */
    private record Pending(long due, long order, byte[] bytes) implements Comparable<Pending> {

        @Override
        public int compareTo(Pending other) {
            int byDue = Long.compare(due, other.due);
            return byDue != 0 ? byDue : Long.compare(order, other.order);
        }
    }

    /** The rate of an impairment, 0 for none. */
    private record OptionalRate(long bitsPerSecond) {

        static OptionalRate of(Impairment impairment) {
            return new OptionalRate(impairment.rate().orElse(0));
        }

        /** The burst the bucket holds: 2 ms of traffic, at least two full frames. */
        long burstNanos() {
            return Math.max(2_000_000L, 2 * 1514 * 8L * 1_000_000_000L / bitsPerSecond);
        }
    }

    /** Removes the redirect and the shaper's veth pair; frames still held are dropped. Safe to call twice. */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        tcQuietly(namespace, "qdisc", "del", "dev", interfaceName, "clsact");
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeDevices();
        try {
            namespaceThread.runUnchecked(() -> {
                namespaceThread.routeNetlink().deleteLink(shaperLink);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "shaper link " + shaperLink + " not deleted: " + e.getMessage());
        }
    }

    /** Stops without touching the namespace (it is being torn down anyway). */
    public void abandon() {
        stopping = true;
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeDevices();
    }

    private boolean devicesClosed;

    private synchronized void closeDevices() {
        if (!devicesClosed) {
            devicesClosed = true;
            Libc.close(packetFd);
            Libc.close(receiveFd);
        }
    }

    private static void tc(NetNs namespace, String... arguments) {
        String[] command = new String[arguments.length + 1];
        command[0] = "tc";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        ExecResult result = namespace.exec(Duration.ofSeconds(10), command);
        if (!result.succeeded()) {
            throw new NetnsException("impair: '" + String.join(" ", command) + "' in namespace '" + namespace.name()
                    + "' failed (exit " + result.exitCode() + "): " + result.stderr().strip());
        }
    }

    private static void tcQuietly(NetNs namespace, String... arguments) {
        try {
            tc(namespace, arguments);
        } catch (NetnsException e) {
            LOG.log(System.Logger.Level.DEBUG, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return namespace.name() + ":" + interfaceName + " " + impairment + " (" + sent + " frames sent, " + dropped
                + " dropped, through " + shaperLink + ")";
    }
}
