package dev.netns.internal.traffic;

import dev.netns.ExecResult;
import dev.netns.Impairment;
import dev.netns.ImpairmentStatistics;
import dev.netns.NetNs;
import dev.netns.NetnsException;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.namespace.NamespaceThread;
import dev.netns.internal.netlink.RouteNetlink;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Errno;
import dev.netns.internal.system.Libc;
import dev.netns.internal.system.Sysctl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Impairs what leaves one interface, the same way on every kernel, netem or not, by the rules
 * set on it ({@link ShaperRules}: the link's own, and per pair of addresses). An empty impairment
 * redirects nothing. A loss-only impairment of the whole link is decided in the kernel
 * ({@link KernelLoss}). Anything else is redirected (tc {@code clsact}, {@code u32} filters from
 * {@link ShaperFilters}, a {@code mirred} redirect) into one end of a veth pair of the shaper's
 * own, whose other end this JVM reads with an {@code AF_PACKET} socket; the {@link ShapingLoop}
 * on the shaper thread shapes the frames and sends them out through an {@code AF_PACKET} socket
 * bound to the interface with {@code PACKET_QDISC_BYPASS}, which skips the redirect, so nothing
 * loops. (A TAP device would do the same, but needs /dev/net/tun, which an unprivileged user often
 * may not open.) The interface itself is never replaced (same name, index, MAC).
 */
public final class LinkShaper implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LinkShaper.class.getName());
    private static final AtomicInteger SHAPER_NUMBERS = new AtomicInteger();
    private static final int PACKET_VNET_HDR = 15;
    /** The shaper's own devices take the largest MTU a veth has, so any cable MTU fits, also after a change. */
    private static final int SHAPER_MTU = 65_535;
    private static final int SO_RCVBUF = 8;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int RECEIVE_BUFFER = 8 << 20;

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

    private final ShapingLoop loop;
    private volatile KernelLoss kernelLoss;
    private boolean dropDeviceMade;
    private boolean offloads;
    private volatile long kernelFrames;
    private volatile long kernelLost;

    private LinkShaper(NetNs namespace, NamespaceThread namespaceThread, String interfaceName, String shaperLink, int receiveFd, int packetFd) {
        this.namespace = namespace;
        this.namespaceThread = namespaceThread;
        this.interfaceName = interfaceName;
        this.shaperLink = shaperLink;
        this.receiveFd = receiveFd;
        this.packetFd = packetFd;
        this.loop = new ShapingLoop(namespace.name() + ":" + interfaceName, receiveFd, packetFd, () -> rules,
                () -> stopping);
        this.thread = new Thread(loop, "netns-shaper-" + namespace.name() + "-" + interfaceName);
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
        KernelLoss kernel = null;
        if (next.pairs().isEmpty() && next.link() != null && LossProgram.handles(next.link().impairment())) {
            try {
                kernel = namespaceThread.runUnchecked(() -> KernelLoss.attach(interfaceName, next.link(), dropDevice()));
            } catch (KernelException e) {
                // e.g. no CAP_BPF in a rootless run: the shaper thread decides the same losses, more slowly
                LOG.log(System.Logger.Level.DEBUG, "loss in the kernel unavailable on " + namespace.name() + ":"
                        + interfaceName + " (" + e.getMessage() + "); through the shaper thread instead");
            }
        }
        boolean segments = next.link() == null || next.link().impairment().corrupt() == 0;
        for (ShaperRule pair : next.pairs()) {
            segments &= pair.impairment().corrupt() == 0;
        }
        if (segments != offloads) {
            // segment trains of up to 64 KiB cross user space in one piece, unless a rule corrupts:
            // a flipped bit must come after the checksum, so then the kernel hands over checksummed frames
            boolean on = segments;
            namespaceThread.runUnchecked(() -> {
                Ethtool.setOffloads(shaperLink, on);
                return null;
            });
            offloads = segments;
        }
        List<List<String>> wanted = kernel != null ? List.of() : ShaperFilters.of(next);
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
                if (kernel != null) {
                    kernel.close();
                }
                throw e;
            }
            for (int priority : filterPriorities) {
                tcQuietly(namespace, ShaperFilters.deleteCommand(interfaceName, priority));
            }
            filterPriorities = added;
            filterSpecs = wanted;
        }
        closeKernelLoss();
        kernelLoss = kernel;
    }

    /**
     * On the namespace's thread: a veth pair of the shaper's own that stays down, where the kernel's
     * loss program sends lost packets to vanish (made on first use).
     */
    private String dropDevice() {
        String name = shaperLink + "x";
        if (!dropDeviceMade) {
            namespaceThread.routeNetlink().createVeth(name, name + "p", namespaceThread.fd());
            dropDeviceMade = true;
        }
        return name;
    }

    /** Detaches the kernel's loss program, if any, keeping its counts. */
    private void closeKernelLoss() {
        KernelLoss old = kernelLoss;
        if (old != null) {
            kernelFrames += old.frames();
            kernelLost += old.lost();
            old.close();
            kernelLoss = null;
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
                netlink.setMtuAndMac(end, SHAPER_MTU, null);
                if (Sysctl.exists("net/ipv6/conf/" + end + "/disable_ipv6")) {
                    // these ends only carry the redirected frames: no chatter of their own
                    Sysctl.set("net/ipv6/conf/" + end + "/disable_ipv6", "1");
                }
                netlink.setUp(end, true);
            }
            int receive = packetSocket(Libc.if_nametoindex(exit), Libc.ETH_P_ALL);
            growReceiveBuffer(receive);
            Libc.setsockopt(receive, Libc.SOL_PACKET, PACKET_VNET_HDR, new int[] {1}, 4);
            int send;
            try {
                send = packetSocket(index, 0);
                Libc.setsockopt(send, Libc.SOL_PACKET, Libc.PACKET_QDISC_BYPASS, new int[] {1}, 4);
                Libc.setsockopt(send, Libc.SOL_PACKET, PACKET_VNET_HDR, new int[] {1}, 4);
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

    /** Room for bursts of large frames: forced past rmem_max where allowed, else as much as it allows. */
    private static void growReceiveBuffer(int fd) {
        try {
            Libc.setsockopt(fd, Libc.SOL_SOCKET, SO_RCVBUFFORCE, new int[] {RECEIVE_BUFFER}, 4);
        } catch (KernelException notPrivileged) {
            try {
                Libc.setsockopt(fd, Libc.SOL_SOCKET, SO_RCVBUF, new int[] {RECEIVE_BUFFER}, 4);
            } catch (KernelException ignored) {
                // the default buffer still works, with less room for bursts
            }
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

    /** What the shaper did so far, the kernel's loss program included, and why it stopped if it did. */
    public ImpairmentStatistics statistics() {
        KernelLoss kernel = kernelLoss;
        long inKernel = kernelFrames + (kernel == null ? 0 : kernel.frames());
        long lostInKernel = kernelLost + (kernel == null ? 0 : kernel.lost());
        return loop.statistics(inKernel, lostInKernel);
    }

    /** Why shaping stopped, if it did. */
    public Optional<String> failure() {
        return loop.failure();
    }

    /**
     * A new shaper for the same interface with the rules of {@code failed}, whose shaping stopped;
     * {@code failed} is closed. Frames it held are lost, its counts start again.
     */
    public static LinkShaper replacing(LinkShaper failed) {
        LOG.log(System.Logger.Level.INFO, "the shaper of " + failed.namespace.name() + ":" + failed.interfaceName
                + " is replaced after: " + failed.failure().orElse("?"));
        ShaperRules rules = failed.rules;
        failed.close();
        LinkShaper fresh = open(failed.namespace, failed.namespaceThread, failed.interfaceName);
        synchronized (fresh) {
            fresh.apply(rules);
        }
        return fresh;
    }

    /** Removes the redirect and the shaper's veth pair; frames still held are dropped. Safe to call twice. */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        synchronized (this) {
            closeKernelLoss();
        }
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
                if (dropDeviceMade) {
                    namespaceThread.routeNetlink().deleteLink(shaperLink + "x");
                }
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
        KernelLoss kernel = kernelLoss;
        if (kernel != null) {
            kernel.close();
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
        return text + " (" + statistics() + ", through " + shaperLink + ")";
    }
}
