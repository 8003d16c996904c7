package dev.netns;

/**
 * One network interface of a namespace, as the kernel reports it (read with rtnetlink).
 *
 * @param index the interface index
 * @param name the interface name ({@code eth0})
 * @param kind the link kind ({@code veth}, {@code bridge}), empty for loopback and physical links
 * @param up whether it is administratively up
 * @param lowerUp whether it has carrier (for a veth: its peer is up too)
 * @param mac the hardware address, {@code aa:bb:cc:dd:ee:ff}
 * @param mtu the MTU in bytes
 * @param master the bridge it is a port of, or null
 */
public record LinkInfo(int index, String name, String kind, boolean up, boolean lowerUp, String mac, int mtu, String master) {

    @Override
    public String toString() {
        return name + (kind.isEmpty() ? "" : " (" + kind + ")") + " " + (up ? "UP" : "DOWN")
                + (up && !lowerUp ? " NO-CARRIER" : "") + " " + mac + " mtu " + mtu + (master == null ? "" : " master " + master);
    }
}
