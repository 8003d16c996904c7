package dev.netns.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The attributes (type-length-value records) of a netlink message or of a nested attribute,
 * by type; the first of each type wins. Malformed lengths end the walk instead of reading past
 * the message.
 */
public final class NetlinkAttributes {

    private final Map<Integer, byte[]> values;

    private NetlinkAttributes(Map<Integer, byte[]> values) {
        this.values = values;
    }

    /** Reads the attributes of {@code buffer} from {@code offset} to its limit. */
    public static NetlinkAttributes parse(ByteBuffer buffer, int offset) {
        Map<Integer, byte[]> values = new HashMap<>();
        int end = buffer.limit();
        while (offset + 4 <= end) {
            int length = buffer.getShort(offset) & 0xffff;
            int type = buffer.getShort(offset + 2) & Netlink.NLA_TYPE_MASK;
            if (length < 4 || offset + length > end) {
                break;
            }
            byte[] value = new byte[length - 4];
            buffer.get(offset + 4, value);
            values.putIfAbsent(type, value);
            offset += Netlink.align(length);
        }
        return new NetlinkAttributes(values);
    }

    /** The raw value of {@code type}, or null. */
    public byte[] bytes(int type) {
        return values.get(type);
    }

    /** Whether {@code type} is present. */
    public boolean has(int type) {
        return values.containsKey(type);
    }

    /** A NUL-terminated string attribute, or "" when absent. */
    public String text(int type) {
        byte[] bytes = values.get(type);
        if (bytes == null) {
            return "";
        }
        int length = 0;
        while (length < bytes.length && bytes[length] != 0) {
            length++;
        }
        return new String(bytes, 0, length, StandardCharsets.US_ASCII);
    }

    /** A 32-bit attribute in native byte order, or 0 when absent. */
    public int integer(int type) {
        byte[] bytes = values.get(type);
        return bytes == null || bytes.length < 4 ? 0 : ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getInt();
    }

    /** The attributes nested inside {@code type} (empty when absent). */
    public NetlinkAttributes nested(int type) {
        byte[] bytes = values.get(type);
        return bytes == null ? new NetlinkAttributes(Map.of())
                : parse(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()), 0);
    }
}
