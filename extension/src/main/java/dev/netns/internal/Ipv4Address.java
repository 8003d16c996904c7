package dev.netns.internal;

/**
 * An IPv4 address, parsed strictly from dotted-quad text (four decimal octets, no leading zeros).
 *
 * @param value the address as an unsigned 32-bit number in an {@code int}
 */
public record Ipv4Address(int value) {

    /**
     * Parses {@code 192.168.15.1}.
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static Ipv4Address parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an IPv4 address is required");
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (expected four numbers like 192.168.15.1)");
        }
        int value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (part.length() > 1 && part.startsWith("0"))) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address ('" + part + "' is not a number from 0 to 255)");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (" + octet + " is over 255)");
            }
            value = (value << 8) | octet;
        }
        return new Ipv4Address(value);
    }

    /** The four bytes in network order. */
    public byte[] bytes() {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    @Override
    public String toString() {
        return (value >>> 24) + "." + ((value >>> 16) & 0xff) + "." + ((value >>> 8) & 0xff) + "." + (value & 0xff);
    }
}
