package dev.netns.internal.model;

import dev.netns.internal.model.TopologyModel.BridgeSpec;
import dev.netns.internal.model.TopologyModel.NamespaceSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Every sysctl netns-junit sets in a namespace of a topology, in one place: the deployment sets
 * exactly these, and {@code Topology.script()} prints exactly these, so a topology built by hand
 * from the script behaves like the one the library built.
 */
public final class NamespaceSysctls {

    /** The range of groups allowed ICMP datagram sockets; real root maps every group. */
    public static final String PING_GROUP_RANGE = "net/ipv4/ping_group_range";

    /** Whether bridged traffic passes the netfilter hooks (exists only with br_netfilter). */
    public static final String BRIDGE_NETFILTER = "net/bridge/bridge-nf-call-iptables";

    /**
     * One sysctl.
     *
     * @param key as under {@code /proc/sys}, with slashes ({@code net/ipv4/ip_forward})
     * @param value the value written
     * @param onlyWhere a folder under {@code /proc/sys} that must exist (its kernel module loaded),
     *     or null when the setting is always made
     */
    public record Setting(String key, String value, String onlyWhere) {

        /** The key as {@code sysctl} writes it: {@code net.ipv4.ip_forward}. */
        public String dotted() {
            return key.replace('/', '.');
        }
    }

    private NamespaceSysctls() {
    }

    /** What every namespace gets when it is created: forwarding as asked, IPv6 without DAD, echo sockets. */
    public static List<Setting> atCreation(boolean forwarding) {
        String on = forwarding ? "1" : "0";
        return List.of(
                new Setting("net/ipv4/ip_forward", on, null),
                new Setting("net/ipv6/conf/all/forwarding", on, "net/ipv6"),
                // addresses usable at once, and kept while a cable is pulled out (Link.down())
                new Setting("net/ipv6/conf/default/accept_dad", "0", "net/ipv6"),
                new Setting("net/ipv6/conf/all/accept_dad", "0", "net/ipv6"),
                new Setting("net/ipv6/conf/default/keep_addr_on_down", "1", "net/ipv6"),
                new Setting("net/ipv6/conf/all/keep_addr_on_down", "1", "net/ipv6"),
                // lets the JVM send ICMP echoes over a datagram socket, without raw sockets or a ping process
                new Setting(PING_GROUP_RANGE, "0 2147483647", null));
    }

    /** What a namespace's NAT needs: connections to its own 127.0.0.1 forwarded out by an IPv4 port forward. */
    public static List<Setting> forNat(TopologyModel model, String namespace) {
        boolean forwardsIpv4 = model.portForwards().stream()
                .anyMatch(forward -> forward.namespace().equals(namespace) && forward.to().isIpv4());
        return forwardsIpv4 ? List.of(new Setting("net/ipv4/conf/all/route_localnet", "1", null)) : List.of();
    }

    /**
     * What a namespace holding bridges gets: bridged traffic shown to its netfilter hooks only when a
     * bridge there asks for it ({@code netfilter = true}); otherwise turned off where br_netfilter is loaded.
     */
    public static List<Setting> forBridges(TopologyModel model, String namespace) {
        List<BridgeSpec> bridges = model.bridges().stream().filter(bridge -> bridge.namespace().equals(namespace)).toList();
        if (bridges.isEmpty()) {
            return List.of();
        }
        boolean netfilter = bridges.stream().anyMatch(BridgeSpec::netfilter);
        String value = netfilter ? "1" : "0";
        String onlyWhere = netfilter ? null : "net/bridge";
        return List.of(new Setting(BRIDGE_NETFILTER, value, onlyWhere),
                new Setting("net/bridge/bridge-nf-call-ip6tables", value, onlyWhere),
                new Setting("net/bridge/bridge-nf-call-arptables", value, onlyWhere));
    }

    /** Everything set in {@code namespace}, in the order the deployment sets it. */
    public static List<Setting> of(TopologyModel model, String namespace) {
        boolean forwarding = model.namespaces().stream().filter(spec -> spec.name().equals(namespace))
                .anyMatch(NamespaceSpec::forwarding);
        List<Setting> all = new ArrayList<>(atCreation(forwarding));
        all.addAll(forBridges(model, namespace));
        all.addAll(forNat(model, namespace));
        return all;
    }
}
