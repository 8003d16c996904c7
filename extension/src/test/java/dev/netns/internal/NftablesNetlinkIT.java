package dev.netns.internal;

import dev.netns.internal.model.Cidr;
import dev.netns.internal.model.IpAddress;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.internal.model.TopologyModel.NatSpec;
import dev.netns.internal.model.TopologyModel.PortForwardSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nf_tables batch, written by netlink, reads back through {@code nft} as the ruleset we render. */
class NftablesNetlinkIT {

    @Test
    void theKernelHoldsExactlyTheRenderedRuleset() throws Exception {
        List<NatSpec> nats = List.of(
                new NatSpec("host", Cidr.parse("192.168.15.0/24"), null, "o"),
                new NatSpec("host", Cidr.parse("10.0.0.0/8"), "eth1", "o"),
                new NatSpec("host", Cidr.parse("172.16.0.9/32"), null, "o"),
                new NatSpec("host", Cidr.DEFAULT, "eth2", "o"));
        List<PortForwardSpec> forwards = List.of(
                new PortForwardSpec("host", 8080, IpAddress.parse("192.168.15.2"), 80, "tcp", "o"),
                new PortForwardSpec("host", 5353, IpAddress.parse("10.0.0.2"), 53, "udp", "o"));
        try (NamespaceThread namespace = NamespaceThread.start("netns-junit-test-nft")) {
            namespace.run(() -> {
                NftablesNetlink.apply(nats, forwards);
                return null;
            });
            Process nft = new ProcessBuilder("nsenter", "--net=" + namespace.path(), "nft", "list", "ruleset").start();
            String listed = new String(nft.getInputStream().readAllBytes());
            assertThat(nft.waitFor()).isZero();

            assertThat(normalize(listed)).isEqualTo(normalize(NftRuleset.render(nats, forwards)));
        }
    }

    private static String normalize(String ruleset) {
        return ruleset.lines().map(String::strip).filter(line -> !line.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
