package dev.netns.internal.traffic;

/**
 * What identifies a packet's flow across runs of the same test: fields the traffic itself sets,
 * never those the kernel picks anew each run (MAC addresses of fresh veths, IP identification,
 * checksums, TTL, TCP sequence numbers and options, ICMP echo identifiers, ephemeral ports), and
 * never the payload (ping's timestamps). Two runs of the same test produce the same flows, each
 * with its packets in the same order. Pure.
 */
final class PacketKey {

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;

    private PacketKey() {
    }

    /**
     * Whether the frame is link-layer control traffic rather than the test's own: not IP at all
     * (ARP, LLDP, ...), or ICMPv6 router and neighbour discovery (types 133 to 137).
     */
    static boolean isControl(byte[] frame, int length) {
        if (length < 14) {
            return true;
        }
        int type = u16(frame, 12);
        if (type == ETHERTYPE_IPV4) {
            return false;
        }
        if (type != ETHERTYPE_IPV6) {
            return true;
        }
        if (length < 55 || (frame[20] & 0xff) != 58) {
            return false;
        }
        int icmpType = frame[54] & 0xff;
        return icmpType >= 133 && icmpType <= 137;
    }

    /**
     * A 64-bit hash of the frame's flow: protocol, source and destination address and, for TCP
     * and UDP, the lower port (the service's: ephemeral ports change from run to run); for a frame
     * without IP, its EtherType.
     */
    static long flow(byte[] frame, int length) {
        if (length < 14) {
            return 0;
        }
        int type = u16(frame, 12);
        Hash hash = new Hash().mix(type);
        if (length < 34) {
            return hash.value();
        }
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
            return hash.value();
        }
        if ((protocol == 6 || protocol == 17) && length >= offset + 4) {
            hash.mix(Math.min(u16(frame, offset), u16(frame, offset + 2)));
        }
        return hash.value();
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
