package dev.netns.internal.traffic;

import dev.netns.CapturedPacket;
import dev.netns.internal.model.IpAddress;
import java.time.Instant;
import java.util.Arrays;

/** Decodes an Ethernet frame into a {@link CapturedPacket}: ARP, IPv4 and IPv6 with ICMP, TCP and UDP. Pure. */
final class PacketDecoder {

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int ETHERTYPE_IPV6 = 0x86dd;

    private PacketDecoder() {
    }

    static CapturedPacket decode(Instant time, byte[] frame, int length) {
        if (length < 14) {
            return new CapturedPacket(time, "", "", "short frame", 0, 0, length);
        }
        int type = u16(frame, 12);
        if (type == ETHERTYPE_IPV4 && length >= 34) {
            int headerLength = (frame[14] & 0x0f) * 4;
            int protocol = frame[23] & 0xff;
            return transport(time, frame, length, ipv4(frame, 26), ipv4(frame, 30), protocol, 14 + headerLength, "ipv4");
        }
        if (type == ETHERTYPE_IPV6 && length >= 54) {
            int protocol = frame[20] & 0xff;
            return transport(time, frame, length, ipv6(frame, 22), ipv6(frame, 38), protocol, 54, "ipv6");
        }
        if (type == ETHERTYPE_ARP && length >= 42) {
            return new CapturedPacket(time, ipv4(frame, 28), ipv4(frame, 38), "arp", 0, 0, length);
        }
        return new CapturedPacket(time, mac(frame, 6), mac(frame, 0), String.format("ethertype 0x%04x", type), 0, 0, length);
    }

    private static CapturedPacket transport(Instant time, byte[] frame, int length, String source, String destination,
            int protocol, int offset, String family) {
        return switch (protocol) {
            case 1 -> new CapturedPacket(time, source, destination, "icmp", 0, 0, length);
            case 58 -> new CapturedPacket(time, source, destination, "icmpv6", 0, 0, length);
            case 6, 17 -> length >= offset + 4
                    ? new CapturedPacket(time, source, destination, protocol == 6 ? "tcp" : "udp", u16(frame, offset),
                            u16(frame, offset + 2), length)
                    : new CapturedPacket(time, source, destination, protocol == 6 ? "tcp" : "udp", 0, 0, length);
            default -> new CapturedPacket(time, source, destination, family, 0, 0, length);
        };
    }

    private static int u16(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xff) << 8) | (bytes[offset + 1] & 0xff);
    }

    private static String ipv4(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) + "." + (bytes[offset + 1] & 0xff) + "." + (bytes[offset + 2] & 0xff) + "."
                + (bytes[offset + 3] & 0xff);
    }

    private static String ipv6(byte[] bytes, int offset) {
        return IpAddress.of(Arrays.copyOfRange(bytes, offset, offset + 16)).toString();
    }

    private static String mac(byte[] bytes, int offset) {
        return String.format("%02x:%02x:%02x:%02x:%02x:%02x", bytes[offset], bytes[offset + 1], bytes[offset + 2],
                bytes[offset + 3], bytes[offset + 4], bytes[offset + 5]);
    }
}
