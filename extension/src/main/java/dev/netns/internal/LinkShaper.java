package dev.netns.internal;

import com.sun.jna.LastErrorException;
import dev.netns.ExecResult;
import dev.netns.Impairment;
import dev.netns.NetnsException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Impairs what leaves one interface, the same way on every kernel, netem or not: the interface's
 * egress is redirected (tc {@code clsact} with a {@code u32} match-all filter and a {@code mirred}
 * redirect) to a TAP device whose frames this JVM reads. A shaper thread drops, duplicates,
 * corrupts, holds and rate-limits them as {@link ShapingDecisions} and the rate say, then sends them
 * out through an {@code AF_PACKET} socket bound to the interface with {@code PACKET_QDISC_BYPASS},
 * which skips the redirect, so nothing loops. The interface itself is never replaced (same name,
 * index, MAC). Without an impairment nothing is redirected and the link runs at full speed.
 */
final class LinkShaper implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LinkShaper.class.getName());
    private static final AtomicInteger TAP_NUMBERS = new AtomicInteger();
    private static final int QUEUE_LIMIT = 10_000;
    private static final int MAX_FRAME = 65_536;
    private static final int EINTR = 4;

    private final NamespaceHandle namespace;
    private final String interfaceName;
    private final String tapName;
    private final int tapFd;
    private final int packetFd;
    private final Thread thread;
    private volatile ShapingDecisions decisions;
    private volatile Impairment impairment;
    private volatile boolean stopping;
    private long dropped;
    private long sent;

    private LinkShaper(NamespaceHandle namespace, String interfaceName, String tapName, int tapFd, int packetFd) {
        this.namespace = namespace;
        this.interfaceName = interfaceName;
        this.tapName = tapName;
        this.tapFd = tapFd;
        this.packetFd = packetFd;
        this.thread = new Thread(this::run, "netns-shaper-" + namespace.name() + "-" + interfaceName);
        this.thread.setDaemon(true);
    }

    /** Redirects the interface's egress through a new shaper applying {@code impairment} with {@code seed}. */
    static LinkShaper start(NamespaceHandle namespace, String interfaceName, Impairment impairment, long seed) {
        String tapName = "njtap" + TAP_NUMBERS.incrementAndGet();
        int[] fds = namespace.thread().runUnchecked(() -> openDevices(interfaceName, tapName, namespace));
        LinkShaper shaper = new LinkShaper(namespace, interfaceName, tapName, fds[0], fds[1]);
        shaper.update(impairment, seed);
        try {
            tc(namespace, "qdisc", "add", "dev", interfaceName, "clsact");
            tc(namespace, "filter", "add", "dev", interfaceName, "egress", "protocol", "all", "u32", "match", "u32", "0", "0",
                    "action", "mirred", "egress", "redirect", "dev", tapName);
        } catch (NetnsException e) {
            shaper.closeDevices();
            tcQuietly(namespace, "qdisc", "del", "dev", interfaceName, "clsact");
            throw e;
        }
        shaper.thread.start();
        return shaper;
    }

    /** On the namespace's thread: the TAP (IPv6 off, up) and the sending socket. */
    private static int[] openDevices(String interfaceName, String tapName, NamespaceHandle namespace) throws Exception {
        int index = Libc.if_nametoindex(interfaceName);
        if (index == 0) {
            throw new NetnsException("impair " + interfaceName + " in namespace '" + namespace.name() + "': no such interface");
        }
        int tap;
        try {
            tap = Libc.open("/dev/net/tun", Libc.O_RDWR | Libc.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new NetnsException("impair " + interfaceName + " in namespace '" + namespace.name() + "': cannot open "
                    + "/dev/net/tun (" + Libc.describe(e.getErrorCode()) + "); the kernel needs TUN/TAP support", e);
        }
        try {
            byte[] request = new byte[40];
            byte[] name = tapName.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, request, 0, name.length);
            ByteBuffer.wrap(request).order(ByteOrder.nativeOrder()).putShort(16, (short) (Libc.IFF_TAP | Libc.IFF_NO_PI));
            Libc.ioctl(tap, Libc.TUNSETIFF, request);
            if (Sysctl.exists("net/ipv6/conf/" + tapName + "/disable_ipv6")) {
                // the TAP only carries the redirected frames: no chatter of its own
                Sysctl.set("net/ipv6/conf/" + tapName + "/disable_ipv6", "1");
            }
            namespace.thread().routeNetlink().setUp(tapName, true);
            int packet = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
            try {
                Libc.setsockopt(packet, Libc.SOL_PACKET, Libc.PACKET_QDISC_BYPASS, new int[] {1}, 4);
                byte[] address = new byte[20];
                ByteBuffer.wrap(address).order(ByteOrder.nativeOrder()).putShort((short) Libc.AF_PACKET).putShort((short) 0)
                        .putInt(index);
                Libc.bind(packet, address, address.length);
            } catch (LastErrorException e) {
                Libc.close(packet);
                throw e;
            }
            return new int[] {tap, packet};
        } catch (LastErrorException e) {
            Libc.close(tap);
            throw new NetnsException("impair " + interfaceName + " in namespace '" + namespace.name() + "': "
                    + Libc.describe(e.getErrorCode()), e);
        } catch (RuntimeException e) {
            Libc.close(tap);
            throw e;
        }
    }

    /** Changes the impairment in place: the redirect and the interface stay as they are. */
    void update(Impairment newImpairment, long seed) {
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
                pollfd[0] = tapFd;
                pollfd[1] = Libc.POLLIN;
                timeout[0] = waitNanos / 1_000_000_000L;
                timeout[1] = waitNanos % 1_000_000_000L;
                int ready;
                try {
                    ready = Libc.ppoll(pollfd, 1, timeout, null);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == EINTR) {
                        continue;
                    }
                    throw e;
                }
                if (ready > 0) {
                    int length = (int) Libc.read(tapFd, buffer, buffer.length);
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
        } catch (LastErrorException e) {
            if (!stopping) {
                LOG.log(System.Logger.Level.WARNING, "the shaper of " + namespace.name() + ":" + interfaceName
                        + " stopped: " + Libc.describe(e.getErrorCode()) + "; traffic through it is dropped until "
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
            byte[] frame = java.util.Arrays.copyOf(buffer, length);
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

    /** Removes the redirect and the TAP; frames still held are dropped. Safe to call twice. */
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
    }

    /** Stops without touching the namespace (it is being torn down anyway). */
    void abandon() {
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
            Libc.close(tapFd);
        }
    }

    private static void tc(NamespaceHandle namespace, String... arguments) {
        String[] command = new String[arguments.length + 1];
        command[0] = "tc";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        ExecResult result = namespace.exec(java.time.Duration.ofSeconds(10), command);
        if (!result.succeeded()) {
            throw new NetnsException("impair: '" + String.join(" ", command) + "' in namespace '" + namespace.name()
                    + "' failed (exit " + result.exitCode() + "): " + result.stderr().strip());
        }
    }

    private static void tcQuietly(NamespaceHandle namespace, String... arguments) {
        try {
            tc(namespace, arguments);
        } catch (NetnsException e) {
            LOG.log(System.Logger.Level.DEBUG, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return namespace.name() + ":" + interfaceName + " " + impairment + " (" + sent + " frames sent, " + dropped
                + " dropped, through " + tapName + ")";
    }
}
