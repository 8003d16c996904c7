package dev.netns.internal.model;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 address, parsed strictly from ASCII text ({@code 192.168.15.1}, {@code fd00::1})
 * and printed in its canonical form (RFC 5952 for IPv6). Pure: no name lookup, no kernel.
 */
public final class IpAddress {

    private final byte[] bytes;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /** An address from its 4 or 16 bytes in network order. */
    public static IpAddress of(byte[] bytes) {
        if (bytes.length != 4 && bytes.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
        }
        return new IpAddress(bytes.clone());
    }

    /**
     * Parses an IPv4 address in dotted decimal or an IPv6 address in hexadecimal groups.
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static IpAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an IP address is required");
        }
        return text.indexOf(':') >= 0 ? parse6(text) : parse4(text);
    }

    private static IpAddress parse4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address (expected four numbers like "
                    + "192.168.15.1, or an IPv6 address like fd00::1)");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !isAsciiDigits(part) || (part.length() > 1 && part.startsWith("0"))) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address ('" + part
                        + "' is not a number from 0 to 255)");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (" + octet + " is over 255)");
            }
            bytes[i] = (byte) octet;
        }
        return new IpAddress(bytes);
    }

    private static IpAddress parse6(String text) {
        String bad = "'" + text + "' is not an IPv6 address";
        if (!text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                || c == ':')) {
            throw new IllegalArgumentException(bad + " (only hexadecimal digits and ':' are allowed)");
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            throw new IllegalArgumentException(bad + " ('::' may appear only once)");
        }
        String head = gap < 0 ? text : text.substring(0, gap);
        String tail = gap < 0 ? "" : text.substring(gap + 2);
        int[] front = groups(head, bad);
        int[] back = groups(tail, bad);
        int total = front.length + back.length;
        if ((gap < 0 && total != 8) || (gap >= 0 && total > 7)) {
            throw new IllegalArgumentException(bad + " (expected eight groups, or fewer with '::')");
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < front.length; i++) {
            bytes[2 * i] = (byte) (front[i] >>> 8);
            bytes[2 * i + 1] = (byte) front[i];
        }
        for (int i = 0; i < back.length; i++) {
            int group = 8 - back.length + i;
            bytes[2 * group] = (byte) (back[i] >>> 8);
            bytes[2 * group + 1] = (byte) back[i];
        }
        return new IpAddress(bytes);
    }

    private static int[] groups(String text, String bad) {
        if (text.isEmpty()) {
            return new int[0];
        }
        String[] parts = text.split(":", -1);
        int[] groups = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 4) {
                throw new IllegalArgumentException(bad + " ('" + parts[i] + "' is not a group of 1 to 4 hexadecimal digits)");
            }
            groups[i] = Integer.parseInt(parts[i], 16);
        }
        return groups;
    }

    private static boolean isAsciiDigits(String text) {
        return text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** Whether this is an IPv4 address. */
    public boolean isIpv4() {
        return bytes.length == 4;
    }

    /** The bytes in network order (4 or 16). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** 32 or 128. */
    public int bits() {
        return bytes.length * 8;
    }

    /** {@code "IPv4"} or {@code "IPv6"}, for messages. */
    public String family() {
        return isIpv4() ? "IPv4" : "IPv6";
    }

    /** This address with every bit after the first {@code prefixLength} cleared. */
    public IpAddress masked(int prefixLength) {
        byte[] masked = bytes.clone();
        for (int bit = prefixLength; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new IpAddress(masked);
    }

    /** Whether this is a multicast address (224.0.0.0/4, ff00::/8). */
    public boolean isMulticast() {
        return isIpv4() ? (bytes[0] & 0xf0) == 0xe0 : (bytes[0] & 0xff) == 0xff;
    }

    /** Whether this is the unspecified address (0.0.0.0, ::). */
    public boolean isUnspecified() {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpAddress address && Arrays.equals(bytes, address.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        if (isIpv4()) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        // RFC 5952: the longest run of two or more zero groups becomes '::' (the first one on a tie)
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
