package dev.netns.internal.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.internal.model.Cidr;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.model.TopologyModel.NatSpec;
import dev.netns.internal.model.TopologyModel.PortForwardSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class NftRulesetTest {

    @Test
    void masqueradeGoesInAPostroutingNatChain() {
        String ruleset = NftRuleset.render(List.of(new NatSpec("host", Cidr.parse("192.168.15.0/24"), null, "o")), List.of());

        assertThat(ruleset).isEqualTo("""
                table ip netns_junit {
                  chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    ip saddr 192.168.15.0/24 masquerade
                  }
                }
                """);
    }

    @Test
    void masqueradeCanBeLimitedToAnInterface() {
        String ruleset = NftRuleset.render(List.of(new NatSpec("host", Cidr.parse("10.0.0.0/8"), "eth1", "o")), List.of());

        assertThat(ruleset).contains("ip saddr 10.0.0.0/8 oifname \"eth1\" masquerade");
    }

    @Test
    void hostAndWholeSpaceSourcesAreWrittenAsNftListsThem() {
        String ruleset = NftRuleset.render(List.of(
                new NatSpec("host", Cidr.parse("172.16.0.9/32"), null, "o"),
                new NatSpec("host", Cidr.parse("0.0.0.0/0"), "eth0", "o")), List.of());

        assertThat(ruleset).contains("    ip saddr 172.16.0.9 masquerade\n", "    oifname \"eth0\" masquerade\n");
    }

    @Test
    void portForwardRewritesIncomingAndLocalConnections() {
        String ruleset = NftRuleset.render(List.of(),
                List.of(new PortForwardSpec("host", 8080, IpAddress.parse("192.168.15.2"), 80, "tcp", "o")));

        assertThat(ruleset)
                .contains("type nat hook prerouting priority dstnat;")
                .contains("type nat hook output priority -100;")
                .contains("fib daddr type local tcp dport 8080 dnat to 192.168.15.2:80");
        assertThat(ruleset.split("dnat to", -1)).hasSize(3);
    }

    @Test
    void nothingToRenderMeansNoRulesetNeeded() {
        assertThat(NftRuleset.needed(List.of(), List.of())).isFalse();
    }
}
