package dev.netns.internal.traffic;

/**
 * What identifies a packet's content across runs of the same test: the fields the traffic itself
 * sets, never those the kernel picks anew each run (MAC addresses of fresh veths, IP identification,
 * checksums, TTL, TCP sequence numbers and options, ICMP echo identifiers, ephemeral ports).
 * Two runs of the same test produce the same keys in the same order per flow. Pure.
 */
final class PacketKey {

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int ETHERTYPE_IPV6 = 0x86dd;

    private PacketKey() {
    }

    /** A 64-bit content hash of an Ethernet frame. */
    static long of(byte[] frame, int length) {
        Hash hash = new Hash();
        if (length < 14) {
            return hash.bytes(frame, 0, length).value();
        }
        int type = u16(frame, 12);
        hash.mix(type);
        if (type == ETHERTYPE_ARP && length >= 42) {
            // opcode, sender and target IP: not the MACs
            return hash.mix(u16(frame, 20)).bytes(frame, 28, 4).bytes(frame, 38, 4).value();
        }
        if (type == ETHERTYPE_IPV4 && length >= 34) {
            int headerLength = (frame[14] & 0x0f) * 4;
            int protocol = frame[23] & 0xff;
            int total = Math.min(length, 14 + u16(frame, 16));
            hash.mix(protocol).bytes(frame, 26, 8);
            return transport(hash, frame, 14 + headerLength, total, protocol);
        }
        if (type == ETHERTYPE_IPV6 && length >= 54) {
            int protocol = frame[20] & 0xff;
            int total = Math.min(length, 54 + u16(frame, 18));
            hash.mix(protocol).bytes(frame, 22, 32);
            return transport(hash, frame, 54, total, protocol);
        }
        return hash.bytes(frame, 14, length - 14).value();
    }

    /** A 64-bit hash of the frame's flow: protocol, addresses and the lower port; 0 for frames without IP. */
    static long flow(byte[] frame, int length) {
        if (length < 34) {
            return 0;
        }
        int type = u16(frame, 12);
        Hash hash = new Hash().mix(type);
        int offset;
        int protocol;
        if (type == ETHERTYPE_IPV4) {
            protocol = frame[23] & 0xff;
            offset = 14 + (frame[14] & 0x0f) * 4;
            hash.mix(protocol).bytes(frame, 26, 8);
        } else if (type == ETHERTYPE_IPV6 && length >= 54) {
            protocol = frame[20] & 0xff;
            offset = 54;
            hash.mix(protocol).bytes(frame, 22, 32);
        } else {
            return 0;
        }
        if ((protocol == 6 || protocol == 17) && length >= offset + 4) {
            hash.mix(Math.min(u16(frame, offset), u16(frame, offset + 2)));
        }
        return hash.value();
    }

    private static long transport(Hash hash, byte[] frame, int offset, int end, int protocol) {
        if (offset > end) {
            return hash.value();
        }
        switch (protocol) {
            case 6 -> {   // TCP: the lower port (the service's), flags, and the data
                if (end - offset < 20) {
                    return hash.value();
                }
                int dataOffset = ((frame[offset + 12] & 0xf0) >>> 4) * 4;
                hash.mix(Math.min(u16(frame, offset), u16(frame, offset + 2))).mix(frame[offset + 13] & 0x3f);
                return hash.bytes(frame, offset + dataOffset, end - offset - dataOffset).value();
            }
            case 17 -> {   // UDP: the lower port and the data
                if (end - offset < 8) {
                    return hash.value();
                }
                hash.mix(Math.min(u16(frame, offset), u16(frame, offset + 2)));
                return hash.bytes(frame, offset + 8, end - offset - 8).value();
            }
            case 1, 58 -> {   // ICMP, ICMPv6: type, code, echo sequence; neighbour discovery: its target address
                if (end - offset < 8) {
                    return hash.value();
                }
                int icmpType = frame[offset] & 0xff;
                hash.mix(icmpType).mix(frame[offset + 1] & 0xff);
                boolean neighbourDiscovery = protocol == 58 && (icmpType == 135 || icmpType == 136);
                if (neighbourDiscovery && end - offset >= 24) {
                    return hash.bytes(frame, offset + 8, 16).value();
                }
                boolean echo = icmpType == 0 || icmpType == 8 || icmpType == 128 || icmpType == 129;
                if (echo) {
                    hash.mix(u16(frame, offset + 6));
                    return hash.bytes(frame, offset + 8, end - offset - 8).value();
                }
                return hash.value();
            }
            default -> {
                return hash.bytes(frame, offset, end - offset).value();
            }
        }
    }

    private static int u16(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xff) << 8) | (bytes[offset + 1] & 0xff);
    }

    /** FNV-1a, 64 bits. */
    private static final class Hash {

        private long value = 0xcbf29ce484222325L;

        Hash mix(int number) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                value = (value ^ ((number >>> shift) & 0xff)) * 0x100000001b3L;
            }
            return this;
        }

        Hash bytes(byte[] bytes, int offset, int length) {
            for (int i = offset; i < offset + Math.max(0, length) && i < bytes.length; i++) {
                value = (value ^ (bytes[i] & 0xff)) * 0x100000001b3L;
            }
            return this;
        }

        long value() {
            return value;
        }
    }
}
