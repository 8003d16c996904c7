package dev.netns.internal;

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

    private NftRuleset() {
    }

    /** Whether a namespace with these declarations needs a ruleset at all. */
    public static boolean needed(List<NatSpec> nats, List<PortForwardSpec> forwards) {
        return !nats.isEmpty() || !forwards.isEmpty();
    }

    /** The ruleset for one namespace's masquerades and port forwards. */
    public static String render(List<NatSpec> nats, List<PortForwardSpec> forwards) {
        StringBuilder text = new StringBuilder();
        text.append("table ip ").append(TABLE).append(" {\n");
        if (!forwards.isEmpty()) {
            text.append("  chain prerouting {\n")
                .append("    type nat hook prerouting priority dstnat; policy accept;\n");
            forwards.forEach(forward -> text.append("    ").append(dnat(forward)).append('\n'));
            text.append("  }\n");
            text.append("  chain output {\n")
                .append("    type nat hook output priority -100; policy accept;\n");
            forwards.forEach(forward -> text.append("    ").append(dnat(forward)).append('\n'));
            text.append("  }\n");
        }
        if (!nats.isEmpty()) {
            text.append("  chain postrouting {\n")
                .append("    type nat hook postrouting priority srcnat; policy accept;\n");
            for (NatSpec nat : nats) {
                text.append("    ");
                int prefix = nat.source().prefixLength();
                if (prefix == 32) {
                    text.append("ip saddr ").append(nat.source().address()).append(' ');
                } else if (prefix > 0) {
                    text.append("ip saddr ").append(nat.source()).append(' ');
                }
                if (nat.out() != null) {
                    text.append("oifname \"").append(nat.out()).append("\" ");
                }
                text.append("masquerade\n");
            }
            text.append("  }\n");
        }
        text.append("}\n");
        return text.toString();
    }

    private static String dnat(PortForwardSpec forward) {
        return "fib daddr type local " + forward.protocol() + " dport " + forward.port() + " dnat to "
                + forward.to() + ":" + forward.toPort();
    }
}
