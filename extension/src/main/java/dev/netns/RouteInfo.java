package dev.netns;

/**
 * One IPv4 or IPv6 route of a namespace's main table.
 *
 * @param destination {@code default} or a CIDR
 * @param gateway the next hop, or null for a directly connected network
 * @param interfaceName the outgoing interface
 */
public record RouteInfo(String destination, String gateway, String interfaceName) {

    @Override
    public String toString() {
        return destination + (gateway == null ? "" : " via " + gateway) + " dev " + interfaceName;
    }
}
