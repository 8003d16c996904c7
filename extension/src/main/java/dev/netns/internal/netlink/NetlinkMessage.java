package dev.netns.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Builds one netlink request: the 16-byte header, a family's fixed header, then attributes as
 * type-length-value records, nested ones as scopes ({@link #begin}/{@link #end}).
 */
final class NetlinkMessage {

    private final ByteBuffer buffer = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());
    private final Deque<Integer> openNests = new ArrayDeque<>();
    private final int flags;

    NetlinkMessage(int type, int flags) {
        this.flags = flags;
        buffer.putInt(0);
        buffer.putShort((short) type);
        buffer.putShort((short) flags);
        buffer.putInt(0);
        buffer.putInt(0);
    }

    /** The header flags it was made with. */
    int flags() {
        return flags;
    }

    /** Appends {@code struct ifinfomsg}. */
    NetlinkMessage ifinfomsg(int family, int index, int flags, int change) {
        buffer.put((byte) family).put((byte) 0).putShort((short) 0);
        buffer.putInt(index).putInt(flags).putInt(change);
        return this;
    }

    /** Appends {@code struct ifaddrmsg}. */
    NetlinkMessage ifaddrmsg(int family, int prefixLength, int flags, int scope, int index) {
        buffer.put((byte) family).put((byte) prefixLength).put((byte) flags).put((byte) scope);
        buffer.putInt(index);
        return this;
    }

    /** Appends {@code struct rtmsg}. */
    NetlinkMessage rtmsg(int family, int destinationLength, int table, int protocol, int scope, int routeType) {
        buffer.put((byte) family).put((byte) destinationLength).put((byte) 0).put((byte) 0);
        buffer.put((byte) table).put((byte) protocol).put((byte) scope).put((byte) routeType);
        buffer.putInt(0);
        return this;
    }

    /** Appends {@code struct ndmsg}. */
    NetlinkMessage ndmsg(int family) {
        buffer.put((byte) family).put((byte) 0).putShort((short) 0);
        buffer.putInt(0).putShort((short) 0).put((byte) 0).put((byte) 0);
        return this;
    }

    /** Appends {@code struct nfgenmsg} (netfilter messages): family, version 0, resource id in network order. */
    NetlinkMessage nfgenmsg(int family, int resourceId) {
        buffer.put((byte) family).put((byte) 0).put((byte) (resourceId >>> 8)).put((byte) resourceId);
        return this;
    }

    /** Appends a family's fixed header given as raw bytes (e.g. {@code struct inet_diag_req_v2}). */
    NetlinkMessage struct(byte[] bytes) {
        buffer.put(bytes);
        return this;
    }

    /** A 32-bit attribute in network byte order, as netfilter wants its numbers. */
    NetlinkMessage attributeBigEndian(int attributeType, int value) {
        return attribute(attributeType, ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(value).array());
    }

    NetlinkMessage attribute(int attributeType, byte[] value) {
        align();
        buffer.putShort((short) (4 + value.length));
        buffer.putShort((short) attributeType);
        buffer.put(value);
        align();
        return this;
    }

    NetlinkMessage attribute(int attributeType, String value) {
        byte[] text = value.getBytes(StandardCharsets.US_ASCII);
        byte[] terminated = new byte[text.length + 1];
        System.arraycopy(text, 0, terminated, 0, text.length);
        return attribute(attributeType, terminated);
    }

    NetlinkMessage attributeInt(int attributeType, int value) {
        return attribute(attributeType, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
    }

    NetlinkMessage attributeByte(int attributeType, int value) {
        return attribute(attributeType, new byte[] {(byte) value});
    }

    /** Opens a nested attribute; everything appended until {@link #end()} goes inside it. */
    NetlinkMessage begin(int attributeType) {
        align();
        openNests.push(buffer.position());
        buffer.putShort((short) 0);
        buffer.putShort((short) attributeType);
        return this;
    }

    NetlinkMessage end() {
        int start = openNests.pop();
        buffer.putShort(start, (short) (buffer.position() - start));
        return this;
    }

    /** Returns the finished message stamped with {@code sequence}. */
    byte[] toBytes(int sequence) {
        if (!openNests.isEmpty()) {
            throw new IllegalStateException("unclosed nested attribute");
        }
        align();
        buffer.putInt(0, buffer.position());
        buffer.putInt(8, sequence);
        byte[] bytes = new byte[buffer.position()];
        buffer.duplicate().flip().get(bytes);
        return bytes;
    }

    private void align() {
        while (buffer.position() % 4 != 0) {
            buffer.put((byte) 0);
        }
    }
}
