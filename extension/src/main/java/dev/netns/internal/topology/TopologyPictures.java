package dev.netns.internal.topology;

import dev.netns.internal.model.Cidr;
import dev.netns.internal.model.NamespaceSysctls;
import dev.netns.internal.model.SpanningTree;
import dev.netns.internal.model.TopologyModel.BridgeSpec;
import dev.netns.internal.model.TopologyModel.EndSpec;
import dev.netns.internal.model.TopologyModel.NamespaceSpec;
import dev.netns.internal.model.TopologyModel.NatSpec;
import dev.netns.internal.model.TopologyModel.PortForwardSpec;
import dev.netns.internal.model.TopologyModel.RouteSpec;
import dev.netns.internal.model.TopologyModel.VethSpec;
import dev.netns.internal.model.TopologyModel;
import dev.netns.internal.netlink.NftRuleset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A topology as a Mermaid diagram and as the {@code ip}/{@code nft} shell script that builds the
 * same thing by hand. Pure: reads the model only.
 */
public final class TopologyPictures {

    private TopologyPictures() {
    }

    /** A Mermaid {@code graph}: namespaces, bridges, cables with interface names and addresses, routes, NAT and forwards. */
    public static String diagram(TopologyModel model) {
        StringBuilder text = new StringBuilder("graph LR\n");
        for (NamespaceSpec namespace : model.namespaces()) {
            List<String> lines = new ArrayList<>();
            lines.add("<b>" + namespace.name() + "</b>" + (namespace.forwarding() ? " (forwards)" : ""));
            for (RouteSpec route : model.routes()) {
                if (route.namespace().equals(namespace.name())) {
                    lines.add("route " + destination(route) + " via " + route.gateway());
                }
            }
            for (NatSpec nat : model.nats()) {
                if (nat.namespace().equals(namespace.name())) {
                    lines.add("masquerade " + nat.source() + (nat.out() == null ? "" : " out " + nat.out()));
                }
            }
            for (PortForwardSpec forward : model.portForwards()) {
                if (forward.namespace().equals(namespace.name())) {
                    String to = forward.to().isIpv4() ? forward.to().toString() : "[" + forward.to() + "]";
                    lines.add(forward.protocol() + " " + forward.port() + " → " + to + ":" + forward.toPort());
                }
            }
            text.append("  ").append(nodeId(namespace.name())).append("[\"").append(String.join("<br/>", lines))
                .append("\"]\n");
        }
        for (BridgeSpec bridge : model.bridges()) {
            text.append("  ").append(bridgeId(bridge.name())).append("{{\"").append(bridge.name()).append(" (bridge in ")
                .append(bridge.namespace()).append(')').append(bridge.cidrs().isEmpty() ? "" : "<br/>" + joined(bridge.cidrs()))
                .append("\"}}\n");
            text.append("  ").append(nodeId(bridge.namespace())).append(" -.- ").append(bridgeId(bridge.name())).append('\n');
        }
        for (TopologyModel.ImpairSpec impair : model.impairments()) {
            text.append("  %% impaired: ").append(impair.namespace()).append(':').append(impair.interfaceName())
                .append(' ').append(impair.impairment()).append('\n');
        }
        for (VethSpec veth : model.veths()) {
            text.append("  ").append(endNode(veth.left())).append(" ---|\"").append(endLabel(veth.left()))
                .append(" ⟷ ").append(endLabel(veth.right())).append("\"| ").append(endNode(veth.right())).append('\n');
        }
        return text.toString();
    }

    /**
     * The shell script that builds the topology with {@code ip} and {@code nft} as the classic
     * tutorials do ({@code sh script up}), and removes it again ({@code sh script down}).
     * Namespace names get the prefix in {@code $PREFIX} (empty by default).
     */
    public static String script(TopologyModel model) {
        Set<EndSpec> loopPorts = new HashSet<>(SpanningTree.portsToBlock(model));
        StringBuilder up = new StringBuilder();
        for (NamespaceSpec namespace : model.namespaces()) {
            up.append("  ip netns add \"${PREFIX}").append(namespace.name()).append("\"\n");
            up.append("  ip -n \"${PREFIX}").append(namespace.name()).append("\" link set lo up\n");
        }
        for (BridgeSpec bridge : model.bridges()) {
            String ns = ns(bridge.namespace());
            up.append("  ip -n ").append(ns).append(" link add ").append(bridge.name()).append(" type bridge")
.append(" forward_delay 0\n");
            for (Cidr cidr : bridge.cidrs()) {
                up.append("  ip -n ").append(ns).append(" addr add ").append(cidr).append(" dev ").append(bridge.name())
                    .append(cidr.isIpv4() ? "" : " nodad").append('\n');
            }
            up.append("  ip -n ").append(ns).append(" link set ").append(bridge.name()).append(" up\n");
        }
        for (NamespaceSpec namespace : model.namespaces()) {
            sysctls(up, namespace.name(), NamespaceSysctls.of(model, namespace.name()));
        }
        for (VethSpec veth : model.veths()) {
            up.append("  ip -n ").append(ns(veth.left().namespace())).append(" link add ").append(veth.left().interfaceName())
                .append(" type veth peer name ").append(veth.right().interfaceName()).append(" netns ")
                .append(ns(veth.right().namespace())).append('\n');
            for (EndSpec end : List.of(veth.left(), veth.right())) {
                String ns = ns(end.namespace());
                if (end.isBridgePort()) {
                    up.append("  ip -n ").append(ns).append(" link set ").append(end.interfaceName()).append(" master ")
                        .append(end.bridge()).append('\n');
                }
                if (end.mtu() != 0) {
                    up.append("  ip -n ").append(ns).append(" link set ").append(end.interfaceName()).append(" mtu ")
                        .append(end.mtu()).append('\n');
                }
                if (end.mac() != null) {
                    up.append("  ip -n ").append(ns).append(" link set ").append(end.interfaceName()).append(" address ")
                        .append(end.mac()).append('\n');
                }
                for (Cidr cidr : end.cidrs()) {
                    up.append("  ip -n ").append(ns).append(" addr add ").append(cidr).append(" dev ")
                        .append(end.interfaceName()).append(cidr.isIpv4() ? "" : " nodad").append('\n');
                }
                if (loopPorts.contains(end)) {
                    up.append("  # ").append(end.namespace()).append(':').append(end.interfaceName())
                        .append(" stays down: it would close a loop of stp bridges\n");
                } else {
                    up.append("  ip -n ").append(ns).append(" link set ").append(end.interfaceName()).append(" up\n");
                }
            }
        }
        for (RouteSpec route : model.routes()) {
            up.append("  ip -n ").append(ns(route.namespace())).append(" route add ").append(destination(route))
                .append(" via ").append(route.gateway()).append('\n');
        }
        for (NamespaceSpec namespace : model.namespaces()) {
            List<NatSpec> nats = model.nats().stream().filter(nat -> nat.namespace().equals(namespace.name())).toList();
            List<PortForwardSpec> forwards = model.portForwards().stream()
                    .filter(forward -> forward.namespace().equals(namespace.name())).toList();
            if (NftRuleset.needed(nats, forwards)) {
                up.append("  ip netns exec ").append(ns(namespace.name())).append(" nft -f - <<'NFT'\n")
                    .append(NftRuleset.render(nats, forwards)).append("NFT\n");
            }
        }
        for (TopologyModel.ImpairSpec impair : model.impairments()) {
            up.append("  # ").append(impair.namespace()).append(':').append(impair.interfaceName()).append(" is impaired by ")
                .append("netns-junit's shaper: ").append(impair.impairment()).append(" (tc netem would be the by-hand way)\n");
        }
        StringBuilder down = new StringBuilder();
        for (NamespaceSpec namespace : model.namespaces()) {
            down.append("  ip netns del ").append(ns(namespace.name())).append('\n');
        }
        return "#!/bin/sh\n"
                + "# The topology as ip and nft commands: sh this-file up | down\n"
                + "# Namespace names get the prefix PREFIX (empty by default): PREFIX=test- sh this-file up\n"
                + "set -e\n"
                + "case \"${1:-up}\" in\n"
                + "up)\n" + up + "  ;;\n"
                + "down)\n" + down + "  ;;\n"
                + "esac\n";
    }

    /**
     * One {@code sysctl} line per group of settings; a group that needs a kernel module (br_netfilter)
     * runs only where its folder exists, as the library does.
     */
    private static void sysctls(StringBuilder up, String namespace, List<NamespaceSysctls.Setting> settings) {
        Map<String, List<NamespaceSysctls.Setting>> byCondition = new LinkedHashMap<>();
        settings.forEach(setting -> byCondition.computeIfAbsent(setting.onlyWhere() == null ? "" : setting.onlyWhere(),
                key -> new ArrayList<>()).add(setting));
        byCondition.forEach((onlyWhere, group) -> {
            StringBuilder assignments = new StringBuilder();
            group.forEach(setting -> assignments.append(' ').append(setting.dotted()).append('=')
                    .append(setting.value().contains(" ") ? "'" + setting.value() + "'" : setting.value()));
            up.append("  ip netns exec ").append(ns(namespace));
            if (onlyWhere.isEmpty() || onlyWhere.equals("net/ipv6")) {
                up.append(" sysctl -qw").append(assignments).append('\n');
            } else {
                up.append(" sh -c \"[ ! -e /proc/sys/").append(onlyWhere).append(" ] || sysctl -qw")
                    .append(assignments).append("\"\n");
            }
        });
    }

    private static String joined(List<Cidr> cidrs) {
        return String.join(", ", cidrs.stream().map(Cidr::toString).toList());
    }

    private static String ns(String name) {
        return "\"${PREFIX}" + name + "\"";
    }

    private static String destination(RouteSpec route) {
        return route.destination().isDefault() ? "default" : route.destination().toString();
    }

    private static String endNode(EndSpec end) {
        return end.isBridgePort() ? bridgeId(end.bridge()) : nodeId(end.namespace());
    }

    private static String endLabel(EndSpec end) {
        return (end.isBridgePort() ? end.namespace() + ":" : "") + end.interfaceName()
                + (end.cidrs().isEmpty() ? "" : " " + joined(end.cidrs()));
    }

    private static String nodeId(String namespace) {
        return "ns_" + namespace.replaceAll("[^A-Za-z0-9_]", "_");
    }

    private static String bridgeId(String bridge) {
        return "br_" + bridge.replaceAll("[^A-Za-z0-9_]", "_");
    }
}
