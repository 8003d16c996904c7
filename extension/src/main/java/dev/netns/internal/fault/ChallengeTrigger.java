package dev.netns.internal.fault;

import dev.netns.internal.system.Libc;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Makes an established TCP socket send a segment now: a SYN on its four-tuple, as if from its
 * peer, delivered to it through loopback. The kernel answers a SYN on an established connection
 * with a challenge ACK (RFC 5961) whatever the SYN's sequence number, and carries no data for it,
 * so the connection's byte stream is never touched. Building the packet is pure; sending needs a
 * raw socket in the socket's namespace (run on its thread).
 */
public final class ChallengeTrigger {

    private static final int AF_INET6 = 10;
    private static final int IPPROTO_RAW = 255;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_HEADER = 20;
    private static final int SYN = 0x02;

    private ChallengeTrigger() {
    }

    /** Sends the SYN that makes the socket {@code local <-> remote} of the calling thread's namespace answer. */
    public static void send(InetSocketAddress local, InetSocketAddress remote, int sequence) {
        boolean ipv4 = local.getAddress().getAddress().length == 4;
        byte[] packet = syn(remote, local, sequence);
        int fd = Libc.socket(ipv4 ? Libc.AF_INET : AF_INET6, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, IPPROTO_RAW);
        try {
            byte[] destination = sockaddr(local);
            Libc.connect(fd, destination, destination.length);
            Libc.send(fd, packet, packet.length, 0);
        } finally {
            Libc.close(fd);
        }
    }

    /** An IP packet (v4 or v6, by the addresses) holding a bare TCP SYN from {@code from} to {@code to}. */
    static byte[] syn(InetSocketAddress from, InetSocketAddress to, int sequence) {
        byte[] source = from.getAddress().getAddress();
        byte[] destination = to.getAddress().getAddress();
        ByteBuffer tcp = ByteBuffer.allocate(TCP_HEADER).order(ByteOrder.BIG_ENDIAN);
        tcp.putShort((short) from.getPort()).putShort((short) to.getPort()).putInt(sequence).putInt(0)
                .put((byte) (5 << 4)).put((byte) SYN).putShort((short) 0).putShort((short) 0).putShort((short) 0);
        tcp.putShort(16, checksum(source, destination, tcp.array()));
        boolean ipv4 = source.length == 4;
        ByteBuffer ip = ByteBuffer.allocate((ipv4 ? 20 : 40) + TCP_HEADER).order(ByteOrder.BIG_ENDIAN);
        if (ipv4) {
            ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + TCP_HEADER)).putShort((short) 0).putShort((short) 0)
                    .put((byte) 64).put((byte) IPPROTO_TCP).putShort((short) 0).put(source).put(destination);
            ip.putShort(10, fold(sum(ip.array(), 0, 20, 0)));
        } else {
            ip.putInt(6 << 28).putShort((short) TCP_HEADER).put((byte) IPPROTO_TCP).put((byte) 64).put(source).put(destination);
        }
        return ip.put(tcp.array()).array();
    }

    /** The TCP checksum over the pseudo-header (addresses, protocol, length) and the segment. */
    static short checksum(byte[] source, byte[] destination, byte[] segment) {
        long sum = sum(source, 0, source.length, 0);
        sum = sum(destination, 0, destination.length, sum);
        sum += IPPROTO_TCP + segment.length;
        return fold(sum(segment, 0, segment.length, sum));
    }

    private static long sum(byte[] bytes, int offset, int length, long sum) {
        for (int i = offset; i < offset + length; i += 2) {
            int high = bytes[i] & 0xff;
            int low = i + 1 < offset + length ? bytes[i + 1] & 0xff : 0;
            sum += (high << 8) | low;
        }
        return sum;
    }

    private static short fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (short) ~sum;
    }

    private static byte[] sockaddr(InetSocketAddress address) {
        byte[] bytes = address.getAddress().getAddress();
        ByteBuffer sockaddr = ByteBuffer.allocate(bytes.length == 4 ? 16 : 28).order(ByteOrder.nativeOrder());
        sockaddr.putShort((short) (bytes.length == 4 ? Libc.AF_INET : AF_INET6));
        if (bytes.length == 4) {
            sockaddr.putShort((short) 0).put(bytes);
        } else {
            sockaddr.putShort((short) 0).putInt(0).put(bytes).putInt(0);
        }
        return sockaddr.array();
    }
}
