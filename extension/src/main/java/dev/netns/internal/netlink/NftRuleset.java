package dev.netns.internal.netlink;

import dev.netns.internal.model.Cidr;
import dev.netns.internal.model.TopologyModel.NatSpec;
import dev.netns.internal.model.TopologyModel.PortForwardSpec;
import java.util.List;

/**
 * The NAT of one namespace as nftables text, exactly as {@code nft list ruleset} shows what
 * {@link NftablesNetlink} applies: for error messages, diagnostics and by-hand replay with
 * {@code nft -f}. Pure text: no kernel.
 */
public final class NftRuleset {

    /** The table netns-junit owns in each namespace. */
    public static final String TABLE = "netns_junit";

    /**
     * Sources masqueraded when a namespace has IPv4 port forwards: a connection from the namespace
     * to its own {@code 127.0.0.1} that is forwarded elsewhere must not leave with a loopback source.
     */
    static final Cidr LOOPBACK = Cidr.parse("127.0.0.0/8");

    private NftRuleset() {
    }

    /** Whether a namespace with these declarations needs a ruleset at all. */
    public static boolean needed(List<NatSpec> nats, List<PortForwardSpec> forwards) {
        return !nats.isEmpty() || !forwards.isEmpty();
    }

    /** The ruleset for one namespace's masquerades and port forwards: an ip table, then an ip6 table where needed. */
    public static String render(List<NatSpec> nats, List<PortForwardSpec> forwards) {
        List<PortForwardSpec> forwards4 = forwards.stream().filter(forward -> forward.to().isIpv4()).toList();
        List<PortForwardSpec> forwards6 = forwards.stream().filter(forward -> !forward.to().isIpv4()).toList();
        StringBuilder text = new StringBuilder();
        if (!nats.isEmpty() || !forwards4.isEmpty()) {
            text.append("table ip ").append(TABLE).append(" {\n");
            forwardChains(text, forwards4);
            text.append("  chain postrouting {\n")
                .append("    type nat hook postrouting priority srcnat; policy accept;\n");
            for (NatSpec nat : nats) {
                text.append("    ").append(masquerade(nat.source(), nat.out())).append('\n');
            }
            if (!forwards4.isEmpty()) {
                text.append("    ").append(masquerade(LOOPBACK, null)).append('\n');
            }
            text.append("  }\n}\n");
        }
        if (!forwards6.isEmpty()) {
            text.append("table ip6 ").append(TABLE).append(" {\n");
            forwardChains(text, forwards6);
            text.append("}\n");
        }
        return text.toString();
    }

    private static void forwardChains(StringBuilder text, List<PortForwardSpec> forwards) {
        if (forwards.isEmpty()) {
            return;
        }
        text.append("  chain prerouting {\n")
            .append("    type nat hook prerouting priority dstnat; policy accept;\n");
        forwards.forEach(forward -> text.append("    ").append(dnat(forward)).append('\n'));
        text.append("  }\n");
        text.append("  chain output {\n")
            .append("    type nat hook output priority -100; policy accept;\n");
        forwards.forEach(forward -> text.append("    ").append(dnat(forward)).append('\n'));
        text.append("  }\n");
    }

    private static String masquerade(Cidr source, String out) {
        StringBuilder rule = new StringBuilder();
        int prefix = source.prefixLength();
        if (prefix == 32) {
            rule.append("ip saddr ").append(source.address()).append(' ');
        } else if (prefix > 0) {
            rule.append("ip saddr ").append(source).append(' ');
        }
        if (out != null) {
            rule.append("oifname \"").append(out).append("\" ");
        }
        return rule.append("masquerade").toString();
    }

    private static String dnat(PortForwardSpec forward) {
        String to = forward.to().isIpv4() ? forward.to().toString() : "[" + forward.to() + "]";
        return "fib daddr type local " + forward.protocol() + " dport " + forward.port() + " dnat to " + to + ":"
                + forward.toPort();
    }
}
