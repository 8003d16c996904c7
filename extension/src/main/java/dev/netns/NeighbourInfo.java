package dev.netns;

/**
 * One entry of a namespace's neighbour table: ARP for IPv4, neighbour discovery for IPv6 (multicast entries left out).
 *
 * @param address the neighbour's IP address
 * @param mac its hardware address, or null while unresolved
 * @param interfaceName where it was seen
 * @param state the kernel's state: {@code REACHABLE}, {@code STALE}, {@code FAILED}, …
 */
public record NeighbourInfo(String address, String mac, String interfaceName, String state) {

    @Override
    public String toString() {
        return address + " dev " + interfaceName + (mac == null ? "" : " lladdr " + mac) + " " + state;
    }
}
