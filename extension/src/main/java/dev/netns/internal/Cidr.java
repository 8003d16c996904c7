package dev.netns.internal;

/**
 * An IPv4 address with a prefix length, as written on an interface ({@code 192.168.15.1/24}) or
 * as a route destination ({@code 192.168.1.0/24}, {@code default}).
 *
 * @param address the address as written (host bits kept)
 * @param prefixLength 0 to 32
 */
public record Cidr(Ipv4Address address, int prefixLength) {

    /** The destination {@code default}: {@code 0.0.0.0/0}. */
    public static final Cidr DEFAULT = new Cidr(new Ipv4Address(0), 0);

    /**
     * Parses {@code a.b.c.d/n}.
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a CIDR like 192.168.15.1/24 is required");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' has no prefix length (write it as CIDR, e.g. " + text + "/24)");
        }
        Ipv4Address address;
        try {
            address = Ipv4Address.parse(text.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR: " + e.getMessage(), e);
        }
        String prefix = text.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 2 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR: prefix length '" + prefix + "' is not a number from 0 to 32");
        }
        int length = Integer.parseInt(prefix);
        if (length > 32) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR: prefix length " + length + " is out of range 0..32");
        }
        return new Cidr(address, length);
    }

    /** Parses a route destination: a CIDR or the word {@code default}. */
    public static Cidr parseDestination(String text) {
        return "default".equals(text) ? DEFAULT : parse(text);
    }

    /** The network address: host bits cleared. */
    public Ipv4Address network() {
        return new Ipv4Address(address.value() & mask());
    }

    /** Whether {@code other} lies inside this network. */
    public boolean contains(Ipv4Address other) {
        return (other.value() & mask()) == (address.value() & mask());
    }

    /** Whether this is {@code 0.0.0.0/0}. */
    public boolean isDefault() {
        return prefixLength == 0;
    }

    private int mask() {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
