package dev.netns.internal.model;

/**
 * An IPv4 or IPv6 address with a prefix length, as written on an interface ({@code 192.168.15.1/24},
 * {@code fd00::1/64}) or as a route destination ({@code 192.168.1.0/24}, {@code default}).
 *
 * @param address the address as written (host bits kept)
 * @param prefixLength 0 to 32 for IPv4, 0 to 128 for IPv6
 */
public record Cidr(IpAddress address, int prefixLength) {

    /** The IPv4 destination {@code default}: {@code 0.0.0.0/0}. */
    public static final Cidr DEFAULT = new Cidr(IpAddress.of(new byte[4]), 0);

    /** The IPv6 destination {@code default}: {@code ::/0}. */
    public static final Cidr DEFAULT6 = new Cidr(IpAddress.of(new byte[16]), 0);

    /**
     * Parses {@code address/prefix}.
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a CIDR like 192.168.15.1/24 or fd00::1/64 is required");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' has no prefix length (write it as CIDR, e.g. " + text
                    + (text.indexOf(':') >= 0 ? "/64)" : "/24)"));
        }
        IpAddress address;
        try {
            address = IpAddress.parse(text.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR: " + e.getMessage(), e);
        }
        String prefix = text.substring(slash + 1);
        int max = address.bits();
        if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR: prefix length '" + prefix
                    + "' is not a number from 0 to " + max);
        }
        int length = Integer.parseInt(prefix);
        if (length > max) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR: prefix length " + length + " is out of range 0.."
                    + max);
        }
        return new Cidr(address, length);
    }

    /** The network address: host bits cleared. */
    public IpAddress network() {
        return address.masked(prefixLength);
    }

    /** Whether {@code other} (of the same family) lies inside this network. */
    public boolean contains(IpAddress other) {
        return other.isIpv4() == address.isIpv4() && other.masked(prefixLength).equals(network());
    }

    /** Whether this network and {@code other} share any address. */
    public boolean overlaps(Cidr other) {
        return other.address.isIpv4() == address.isIpv4()
                && (contains(other.address) || other.contains(address));
    }

    /** Whether this is {@code 0.0.0.0/0} or {@code ::/0}. */
    public boolean isDefault() {
        return prefixLength == 0;
    }

    /** Whether this is an IPv4 CIDR. */
    public boolean isIpv4() {
        return address.isIpv4();
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
