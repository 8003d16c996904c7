package dev.netns;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Bridges: where they live, and whether bridged traffic meets netfilter. */
class BridgeIT {

    private static final String DROP_ALL_FORWARDED =
            "add table ip guard\nadd chain ip guard forward { type filter hook forward priority 0; policy drop; }\n";

    private static Topology switchWithTwoHosts(boolean netfilter) {
        return Topology.builder()
                .namespace("red")
                .namespace("blue")
                .namespace("switch")
                .bridge("br0", null, "switch", netfilter)
                .veth("red", "10.40.0.1/24", "br0", null)
                .veth("blue", "10.40.0.2/24", "br0", null)
                .start();
    }

    @Test
    void aBridgeCanLiveInAnyNamespace() {
        try (Topology net = switchWithTwoHosts(false)) {
            assertThat(net.namespace("red")).canPing("10.40.0.2");
            assertThat(net.namespaces()).extracting(NetNs::name).containsExactly("red", "blue", "switch");
            assertThat(net.namespace("switch").links()).filteredOn(link -> "br0".equals(link.master())).hasSize(2);
        }
    }

    @Test
    void bridgedTrafficBypassesNetfilterUnlessAskedFor() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables")),
                "br_netfilter is not loaded on this machine, so bridged traffic never meets netfilter; nothing to test");
        try (Topology net = switchWithTwoHosts(false)) {
            NetNs bridgeHost = net.namespace("switch");
            assertThat(read(bridgeHost, "net/bridge/bridge-nf-call-iptables")).isEqualTo("0");
            assertThat(nft(bridgeHost).succeeded()).isTrue();

            assertThat(net.namespace("red")).canPing("10.40.0.2");
        }
        try (Topology net = switchWithTwoHosts(true)) {
            NetNs bridgeHost = net.namespace("switch");
            assertThat(read(bridgeHost, "net/bridge/bridge-nf-call-iptables")).isEqualTo("1");
            assertThat(nft(bridgeHost).succeeded()).isTrue();

            assertThat(net.namespace("red")).cannotPing("10.40.0.2");
        }
    }

    private static ExecResult nft(NetNs namespace) throws Exception {
        return namespace.exec("nft", DROP_ALL_FORWARDED.replace("\n", "; ").replaceAll("; $", ""));
    }

    private static String read(NetNs namespace, String sysctl) throws Exception {
        return namespace.call(() -> Files.readString(Path.of("/proc/sys", sysctl)).strip());
    }
}
