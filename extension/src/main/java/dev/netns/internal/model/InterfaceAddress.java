package dev.netns.internal.model;

/**
 * Which addresses an interface may carry as its own. Pure. An interface address names one host
 * on a subnet; refused are the addresses that name something else: the whole subnet or every
 * host on it (network and broadcast addresses, IPv4's limited broadcast, IPv6's Subnet-Router
 * anycast address, RFC 4291 2.6.1), a group (multicast), nobody (unspecified), and a {@code /0}
 * prefix, which would make every address of the internet on-link.
 */
public final class InterfaceAddress {

    private InterfaceAddress() {
    }

    /** Why {@code cidr} cannot be an interface's address, or null if it can. */
    public static String problem(Cidr cidr) {
        IpAddress address = cidr.address();
        if (address.isUnspecified()) {
            return "is the unspecified address, which an interface cannot have";
        }
        if (address.isMulticast()) {
            return "is a multicast address, which an interface cannot have";
        }
        if (cidr.prefixLength() == 0) {
            return "has a /0 prefix, which would put every address on this link; give the subnet's prefix, e.g. /24 or /64";
        }
        if (address.isIpv4() && allOnes(address.bytes(), 0)) {
            return "is the limited broadcast address (every host of the link), which an interface cannot have";
        }
        // /31 and /32 (RFC 3021) and IPv6 /127 and /128 (RFC 6164) have no network or anycast address to avoid
        boolean pointToPoint = cidr.prefixLength() >= address.bits() - 1;
        if (pointToPoint) {
            return null;
        }
        if (address.equals(cidr.network())) {
            return address.isIpv4() ? "is the network address of its subnet; pick a host address, e.g. " + next(cidr)
                    : "is the Subnet-Router anycast address of its subnet (RFC 4291), which routers answer; pick a host "
                    + "address, e.g. " + next(cidr);
        }
        if (address.isIpv4() && allOnes(address.bytes(), cidr.prefixLength())) {
            return "is the broadcast address of its subnet; pick a host address below it";
        }
        return null;
    }

    /** Whether every bit from {@code fromBit} on is set. */
    private static boolean allOnes(byte[] bytes, int fromBit) {
        for (int bit = fromBit; bit < bytes.length * 8; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) == 0) {
                return false;
            }
        }
        return true;
    }

    private static String next(Cidr cidr) {
        byte[] bytes = cidr.network().bytes();
        bytes[bytes.length - 1]++;
        return IpAddress.of(bytes) + "/" + cidr.prefixLength();
    }
}
