package dev.netns.internal.namespace;

import dev.netns.internal.model.IpAddress;
import dev.netns.internal.system.Errno;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * ICMP echo from the JVM, over an ICMP datagram socket ({@code SOCK_DGRAM}, {@code IPPROTO_ICMP}, or
 * {@code IPPROTO_ICMPV6} for IPv6):
 * no {@code ping} process and no raw socket. The socket is connected, so the kernel reports
 * "unreachable" as soon as it knows (no route at once; a failed neighbour lookup as an error on
 * receive). An echo is sent every {@link #INTERVAL} until the first reply or the timeout.
 * To be used on the namespace's own thread.
 */
public final class IcmpPing {

    /**
     * The {@code net.ipv4.ping_group_range} that lets every group of this user namespace open ICMP
     * datagram sockets: the kernel accepts only groups mapped here (all of them as real root, only
     * group 0 under {@code unshare --user --map-root-user}).
     */
    static String allGroups() {
        long low = Long.MAX_VALUE;
        long high = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/gid_map"))) {
                String[] fields = line.strip().split("\\s+");
                long inside = Long.parseLong(fields[0]);
                long count = Long.parseLong(fields[2]);
                low = Math.min(low, inside);
                high = Math.max(high, inside + count - 1);
            }
        } catch (IOException | RuntimeException e) {
            return "0 0";
        }
        return high < 0 ? "0 0" : low + " " + Math.min(high, Integer.MAX_VALUE);
    }

    static final Duration INTERVAL = Duration.ofMillis(200);

    private static final int ECHO_REQUEST = 8;
    private static final int ECHO_REPLY = 0;
    private static final int ECHO_REQUEST_V6 = 128;
    private static final int ECHO_REPLY_V6 = 129;
    private static final int AF_INET6 = 10;
    private static final int IPPROTO_ICMPV6 = 58;

    private IcmpPing() {
    }

    /**
     * What happened: a reply with its round trip (from sending the echo that was answered to its
     * reply), or why not (then the round trip is null).
     */
    public record Outcome(boolean reachable, String description, Duration roundTrip) {
    }

    /** Pings {@code address} from the calling thread's namespace. */
    public static Outcome ping(IpAddress address, Duration timeout) {
        boolean ipv4 = address.isIpv4();
        int fd;
        try {
            fd = ipv4 ? Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, Libc.IPPROTO_ICMP)
                    : Libc.socket(AF_INET6, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, IPPROTO_ICMPV6);
        } catch (KernelException e) {
            throw new KernelException("open an ICMP socket", e.errno(), null);
        }
        try {
            // sockaddr_in: family (host order), port, address; sockaddr_in6: family, port, flow info, address, scope
            byte[] socketAddress = new byte[ipv4 ? 16 : 28];
            socketAddress[0] = (byte) (ipv4 ? Libc.AF_INET : AF_INET6);
            System.arraycopy(address.bytes(), 0, socketAddress, ipv4 ? 4 : 8, ipv4 ? 4 : 16);
            try {
                Libc.connect(fd, socketAddress, socketAddress.length);
            } catch (KernelException e) {
                return new Outcome(false, "connect: " + Libc.describe(e.errno()), null);
            }
            return exchange(fd, timeout, ipv4);
        } finally {
            Libc.close(fd);
        }
    }

    /** How many recent echoes' send times are kept to measure a late reply's round trip. */
    private static final int SENT_KEPT = 256;

    private static Outcome exchange(int fd, Duration timeout, boolean ipv4) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long nextSend = start;
        int sequence = 0;
        // when each echo left, by sequence number: the round trip is measured from the echo answered
        // a ring of send times, indexed by sequence number: bounded whatever the timeout
        long[] sentAt = new long[SENT_KEPT];
        byte[] reply = new byte[1500];
        while (true) {
            long now = System.nanoTime();
            if (now >= nextSend) {
                sequence++;
                try {
                    byte[] echo = echo(sequence, ipv4 ? ECHO_REQUEST : ECHO_REQUEST_V6);
                    sentAt[sequence % SENT_KEPT] = System.nanoTime();
                    Libc.send(fd, echo, echo.length, 0);
                } catch (KernelException e) {
                    return new Outcome(false, "echo " + sequence + ": " + Libc.describe(e.errno()), null);
                }
                nextSend = now + INTERVAL.toNanos();
            }
            long waitUntil = Math.min(deadline, nextSend);
            int waitMillis = (int) Math.max(0, (waitUntil - System.nanoTime() + 999_999) / 1_000_000);
            int[] pollfd = {fd, Libc.POLLIN};
            int ready;
            try {
                ready = Libc.poll(pollfd, 1, waitMillis);
            } catch (KernelException e) {
                if (e.errno() == Errno.EINTR) {
                    continue;
                }
                throw new KernelException("wait for an ICMP reply", e.errno(), null);
            }
            if (ready > 0) {
                try {
                    long length = Libc.recv(fd, reply, reply.length, 0);
                    if (length >= 8 && (reply[0] & 0xff) == (ipv4 ? ECHO_REPLY : ECHO_REPLY_V6)) {
                        long received = System.nanoTime();
                        int answered = ((reply[6] & 0xff) << 8) | (reply[7] & 0xff);
                        long sent = answered >= 1 && answered <= sequence && sequence - answered < SENT_KEPT
                                ? sentAt[answered % SENT_KEPT] : start;
                        Duration roundTrip = Duration.ofNanos(received - sent);
                        return new Outcome(true, String.format("reply to echo %d after %.3f ms (%d sent)",
                                answered, roundTrip.toNanos() / 1e6, sequence), roundTrip);
                    }
                } catch (KernelException e) {
                    return new Outcome(false, "echo " + sequence + ": " + Libc.describe(e.errno()), null);
                }
            }
            if (System.nanoTime() >= deadline) {
                return new Outcome(false, "no reply within " + timeout.toMillis() + " ms (" + sequence + " echoes sent)",
                        null);
            }
        }
    }

    /** An echo request: type, code, checksum (the kernel fills it), identifier (the kernel sets it), sequence. */
    private static byte[] echo(int sequence, int type) {
        byte[] packet = new byte[16];
        packet[0] = (byte) type;
        packet[6] = (byte) (sequence >>> 8);
        packet[7] = (byte) sequence;
        return packet;
    }
}
