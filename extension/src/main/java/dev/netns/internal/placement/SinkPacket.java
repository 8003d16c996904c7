package dev.netns.internal.placement;

import dev.netns.internal.model.IpAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * One IP packet that reached a sink (a TUN device that is the default route of a namespace where
 * no traffic should leave), read far enough to say where it was going, and the TCP reset that
 * refuses it at once. Pure: no kernel.
 */
record SinkPacket(String protocol, IpAddress source, int sourcePort, IpAddress destination, int destinationPort,
        boolean opensConnection, byte[] raw, int headerLength) {

    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int ACK = 0x10;

    /** Reads an IPv4 or IPv6 packet; empty for anything else (too short, another protocol). */
    static Optional<SinkPacket> parse(byte[] packet, int length) {
        if (length < 20) {
            return Optional.empty();
        }
        byte[] raw = Arrays.copyOf(packet, length);
        int version = (raw[0] & 0xff) >> 4;
        int protocol;
        int header;
        IpAddress source;
        IpAddress destination;
        if (version == 4) {
            header = (raw[0] & 0x0f) * 4;
            protocol = raw[9] & 0xff;
            source = IpAddress.of(Arrays.copyOfRange(raw, 12, 16));
            destination = IpAddress.of(Arrays.copyOfRange(raw, 16, 20));
        } else if (version == 6 && length >= 40) {
            header = 40;
            protocol = raw[6] & 0xff;
            source = IpAddress.of(Arrays.copyOfRange(raw, 8, 24));
            destination = IpAddress.of(Arrays.copyOfRange(raw, 24, 40));
        } else {
            return Optional.empty();
        }
        if ((protocol != TCP && protocol != UDP) || length < header + (protocol == TCP ? 20 : 8)) {
            return Optional.empty();
        }
        ByteBuffer transport = ByteBuffer.wrap(raw, header, length - header);
        int sourcePort = transport.getShort(header) & 0xffff;
        int destinationPort = transport.getShort(header + 2) & 0xffff;
        boolean opens = protocol == UDP || (raw[header + 13] & (SYN | ACK)) == SYN;
        return Optional.of(new SinkPacket(protocol == TCP ? "tcp" : "udp", source, sourcePort, destination,
                destinationPort, opens, raw, header));
    }

    /** Whether the sink should answer it with a reset: TCP, and not itself a reset. */
    boolean wantsReset() {
        return protocol.equals("tcp") && (raw[headerLength + 13] & RST) == 0;
    }

    /** The TCP reset (with ACK) that makes the sender's {@code connect} or {@code write} fail at once. */
    byte[] reset() {
        ByteBuffer in = ByteBuffer.wrap(raw);
        long sequence = in.getInt(headerLength + 4) & 0xffffffffL;
        long acknowledged = in.getInt(headerLength + 8) & 0xffffffffL;
        int flags = raw[headerLength + 13] & 0xff;
        int dataOffset = ((raw[headerLength + 12] & 0xff) >> 4) * 4;
        int payload = raw.length - headerLength - dataOffset;
        long consumed = payload + ((flags & SYN) != 0 ? 1 : 0) + ((flags & 0x01) != 0 ? 1 : 0);

        ByteBuffer tcp = ByteBuffer.allocate(20);
        tcp.putShort((short) destinationPort).putShort((short) sourcePort)
                .putInt((int) ((flags & ACK) != 0 ? acknowledged : 0))
                .putInt((int) (sequence + consumed))
                .put((byte) (5 << 4)).put((byte) (RST | ACK)).putShort((short) 0).putShort((short) 0).putShort((short) 0);
        byte[] segment = tcp.array();
        byte[] from = destination.bytes();
        byte[] to = source.bytes();
        ByteBuffer pseudo = ByteBuffer.allocate(from.length * 2 + 12 + segment.length);
        pseudo.put(from).put(to);
        if (source.isIpv4()) {
            pseudo.put((byte) 0).put((byte) TCP).putShort((short) segment.length);
        } else {
            pseudo.putInt(segment.length).put(new byte[3]).put((byte) TCP);
        }
        pseudo.put(segment);
        ByteBuffer.wrap(segment).putShort(16, checksum(pseudo.array(), pseudo.position()));

        ByteBuffer ip;
        if (source.isIpv4()) {
            ip = ByteBuffer.allocate(20 + segment.length);
            ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + segment.length)).putShort((short) 0)
                    .putShort((short) 0x4000).put((byte) 64).put((byte) TCP).putShort((short) 0).put(from).put(to);
            ip.putShort(10, checksum(ip.array(), 20));
        } else {
            ip = ByteBuffer.allocate(40 + segment.length);
            ip.putInt(6 << 28).putShort((short) segment.length).put((byte) TCP).put((byte) 64).put(from).put(to);
        }
        ip.put(segment);
        return ip.array();
    }

    /** The Internet checksum (RFC 1071) of the first {@code length} bytes. */
    static short checksum(byte[] bytes, int length) {
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff);
        }
        if ((length & 1) != 0) {
            sum += (bytes[length - 1] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (short) ~sum;
    }
}
