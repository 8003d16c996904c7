package dev.netns.internal.traffic;

import dev.netns.ExecResult;
import dev.netns.Impairment;
import dev.netns.NetNs;
import dev.netns.NetnsException;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.namespace.NamespaceThread;
import dev.netns.internal.netlink.RouteNetlink;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import dev.netns.internal.system.Sysctl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    private volatile ShaperRules rules = ShaperRules.NONE;
    private List<List<String>> filterSpecs = List.of();
    private List<Integer> filterPriorities = List.of();
    private int priorityCounter;
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

    /**
     * Opens a shaper for the interface: its devices and thread, and a {@code clsact} qdisc with no
     * filter yet, so nothing is redirected until {@link #impairLink} or {@link #impairPair} sets a rule.
     */
    public static LinkShaper open(NetNs namespace, NamespaceThread namespaceThread, String interfaceName) {
        String shaperLink = "njshape" + SHAPER_NUMBERS.incrementAndGet();
        int[] fds = namespaceThread.runUnchecked(() -> openDevices(interfaceName, shaperLink, namespace, namespaceThread));
        LinkShaper shaper = new LinkShaper(namespace, namespaceThread, interfaceName, shaperLink, fds[0], fds[1]);
        try {
            tc(namespace, "qdisc", "add", "dev", interfaceName, "clsact");
        } catch (NetnsException e) {
            shaper.closeDevices();
            shaper.deleteShaperLink();
            throw e;
        }
        shaper.thread.start();
        return shaper;
    }

    /**
     * Sets the impairment of everything leaving the interface ({@code seeded} carries its seed),
     * or removes it ({@code null}); pair rules keep precedence for their packets.
     */
    public synchronized void impairLink(Impairment seeded) {
        ShaperRule link = seeded == null ? null : rule("link", seeded, List.of(), List.of());
        apply(new ShaperRules(link, rules.pairs()));
    }

    /**
     * Sets the impairment of the IP packets from one of {@code sources} to one of
     * {@code destinations} leaving the interface, named {@code pair}, or removes it ({@code null}).
     * Other packets are untouched by it.
     */
    public synchronized void impairPair(String pair, List<IpAddress> sources, List<IpAddress> destinations,
            Impairment seeded) {
        List<ShaperRule> pairs = new ArrayList<>(rules.pairs());
        pairs.removeIf(rule -> rule.name().equals(pair));
        if (seeded != null) {
            pairs.add(rule(pair, seeded, bytes(sources), bytes(destinations)));
        }
        apply(new ShaperRules(rules.link(), pairs));
    }

    /** Whether {@code interfaceName} is one of the shapers' own devices, not the topology's. */
    public static boolean isShaperDevice(String interfaceName) {
        return interfaceName.startsWith("njshape");
    }

    /** Whether no impairment is left on this interface (then the shaper should be closed). */
    public synchronized boolean idle() {
        return rules.isEmpty();
    }

    private static ShaperRule rule(String name, Impairment seeded, List<byte[]> sources, List<byte[]> destinations) {
        return new ShaperRule(name, seeded, new ShapingDecisions(seeded, seeded.seed().orElse(0)), sources, destinations);
    }

    private static List<byte[]> bytes(List<IpAddress> addresses) {
        return addresses.stream().map(IpAddress::bytes).toList();
    }

    /**
     * Puts new rules in force: first the new redirect filters are added, then the old ones
     * removed, so no packet that both sets impair slips through in between.
     */
    private void apply(ShaperRules next) {
        List<List<String>> wanted = ShaperFilters.of(next);
        List<Integer> added = new ArrayList<>();
        this.rules = next;
        if (!wanted.equals(filterSpecs)) {
            try {
                for (List<String> filter : wanted) {
                    int priority = nextPriority();
                    tc(namespace, ShaperFilters.addCommand(interfaceName, priority, filter, shaperLink));
                    added.add(priority);
                }
            } catch (NetnsException e) {
                added.forEach(priority -> tcQuietly(namespace, ShaperFilters.deleteCommand(interfaceName, priority)));
                throw e;
            }
            for (int priority : filterPriorities) {
                tcQuietly(namespace, ShaperFilters.deleteCommand(interfaceName, priority));
            }
            filterPriorities = added;
            filterSpecs = wanted;
        }
    }

    /** A filter priority not in use (each filter has its own; tc's are 16 bits). */
    private int nextPriority() {
        do {
            priorityCounter = priorityCounter % 60_000 + 1;
        } while (filterPriorities.contains(priorityCounter));
        return priorityCounter;
    }

    /**
     * On the namespace's thread: a veth pair of the shaper's own (IPv6 off, up; the redirect feeds
     * one end, the frames are read from the other, so no TUN/TAP device and no /dev/net/tun access
     * is needed, also without root) and the sockets that receive from it and send on the interface.
     */
    private static int[] openDevices(String interfaceName, String shaperLink, NetNs namespace,
            NamespaceThread namespaceThread) throws Exception {
        int index = Libc.if_nametoindex(interfaceName);
        if (index == 0) {
            throw new NetnsException("impair " + interfaceName + " in namespace '" + namespace.name() + "': no such interface");
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
                    OptionalRate rate = OptionalRate.of(frame.impairment);
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
        ShaperRule rule = rules.select(buffer, length);
        if (rule == null) {
            // redirected by a pair's filter, but that pair's rule is gone already
            queue.add(new Pending(System.nanoTime(), order++, Arrays.copyOf(buffer, length), null));
            return order;
        }
        ShapingDecisions.Decision decision = rule.decisions().decide(buffer, length);
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
            queue.add(new Pending(due, order++, frame, rule.impairment()));
        }
        return order;
    }

    /** A frame waiting for its time; ties leave in arrival order. */
    private record Pending(long due, long order, byte[] bytes, Impairment impairment) implements Comparable<Pending> {

        @Override
        public int compareTo(Pending other) {
            int byDue = Long.compare(due, other.due);
            return byDue != 0 ? byDue : Long.compare(order, other.order);
        }
    }

    /** The rate of an impairment, 0 for none. */
    private record OptionalRate(long bitsPerSecond) {

        static OptionalRate of(Impairment impairment) {
            return new OptionalRate(impairment == null ? 0 : impairment.rate().orElse(0));
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
        deleteShaperLink();
    }

    private void deleteShaperLink() {
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

    private static void tc(NetNs namespace, List<String> arguments) {
        tc(namespace, arguments.toArray(String[]::new));
    }

    private static void tcQuietly(NetNs namespace, List<String> arguments) {
        tcQuietly(namespace, arguments.toArray(String[]::new));
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
        ShaperRules now = rules;
        StringBuilder text = new StringBuilder(namespace.name() + ":" + interfaceName);
        if (now.link() != null) {
            text.append(' ').append(now.link().impairment());
        }
        for (ShaperRule pair : now.pairs()) {
            text.append(", to ").append(pair.name()).append(' ').append(pair.impairment());
        }
        return text + " (" + sent + " frames sent, " + dropped
                + " dropped, through " + shaperLink + ")";
    }
}
