package dev.netns.internal.traffic;

import java.nio.ByteBuffer;

/** Ethernet frames for tests of the shaper's choices. */
final class Frames {

    private Frames() {
    }

    static byte[] udp(int source, int sourcePort, int destinationPort, int number) {
        ByteBuffer frame = ByteBuffer.allocate(14 + 20 + 8 + 12);
        frame.put(new byte[12]).putShort((short) 0x0800);
        frame.put((byte) 0x45).put((byte) 0).putShort((short) 40).putShort((short) number).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(0x0a000001 + source).putInt(0x0a0000fe);
        frame.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) 20).putShort((short) 0);
        frame.putInt(number).putLong(System.nanoTime());
        return frame.array();
    }

    static byte[] echo(int sequence, int identifier, long timestamp) {
        ByteBuffer frame = ByteBuffer.allocate(14 + 20 + 8 + 16);
        frame.put(new byte[12]).putShort((short) 0x0800);
        frame.put((byte) 0x45).put((byte) 0).putShort((short) 44).putShort((short) 0).putShort((short) 0)
                .put((byte) 64).put((byte) 1).putShort((short) 0).putInt(0x0a000001).putInt(0x0a000002);
        frame.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) identifier).putShort((short) sequence);
        frame.putLong(timestamp).putLong(0);
        return frame.array();
    }

    static byte[] tcp6(int source, int sourcePort, int destinationPort, int number) {
        ByteBuffer frame = ByteBuffer.allocate(14 + 40 + 20 + 8);
        frame.put(new byte[12]).putShort((short) 0x86dd);
        frame.putInt(0x60000000).putShort((short) 28).put((byte) 6).put((byte) 64);
        frame.putLong(0xfd00000000000000L).putLong(1 + source).putLong(0xfd00000000000000L).putLong(0xfe);
        frame.putShort((short) sourcePort).putShort((short) destinationPort).putInt(number).putInt(0)
                .putShort((short) 0x5010).putShort((short) 512).putInt(0);
        frame.putLong(number);
        return frame.array();
    }

    static byte[] arp() {
        ByteBuffer frame = ByteBuffer.allocate(42);
        frame.put(new byte[12]).putShort((short) 0x0806).putShort((short) 1).putShort((short) 0x0800)
                .put((byte) 6).put((byte) 4).putShort((short) 1);
        return frame.array();
    }
}
