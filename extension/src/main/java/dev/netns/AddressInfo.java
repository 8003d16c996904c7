package dev.netns;

/**
 * One IPv4 or IPv6 address on an interface of a namespace (link-local IPv6 addresses included).
 *
 * @param interfaceName the interface carrying it
 * @param cidr address and prefix, {@code 192.168.15.1/24}
 */
public record AddressInfo(String interfaceName, String cidr) {

    /** The address without its prefix. */
    public String address() {
        return cidr.substring(0, cidr.indexOf('/'));
    }

    @Override
    public String toString() {
        return cidr + " on " + interfaceName;
    }
}
