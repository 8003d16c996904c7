package dev.netns.samples;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.NetNs;
import dev.netns.Topology;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Seed 002: two namespaces joined through a bridge my-br0 that has an address (so the host can
 * reach them), and then two namespaces joined directly with interfaces named eth0.
 */
class Seed002BridgeRenamedInterfacesTest {

    @Nested
    class ThroughABridge {

        @Test
        void namespacesReachTheBridgeAndEachOther() {
            try (Topology net = Topology.builder()
                    .namespace("my-ns1")
                    .namespace("my-ns2")
                    .bridge("my-br0", "10.0.0.1/24")
                    .veth("my-ns1:ceth0", "10.0.0.10/24", "my-br0:veth0", null)
                    .veth("my-ns2:ceth1", "10.0.0.20/24", "my-br0:veth1", null)
                    .start()) {
                NetNs ns1 = net.namespace("my-ns1");
                NetNs ns2 = net.namespace("my-ns2");

                assertThat(ns1).canPing("10.0.0.10").canPing("10.0.0.1").canPing(ns2);
                assertThat(ns2).canPing("10.0.0.1").canPing(ns1);
                assertThat(net.namespace("host")).canPing("10.0.0.10");
                assertThat(net.namespace("host").exec("ip", "-brief", "link", "show", "master", "my-br0").stdout())
                        .contains("veth0", "veth1");
            }
        }
    }

    @Nested
    class DirectlyWithEth0 {

        @Test
        void eachEndIsCalledEth0AndBothDirectionsWork() {
            try (Topology net = Topology.builder()
                    .namespace("my-red-ns1")
                    .namespace("my-green-ns2")
                    .veth("my-red-ns1", "192.168.100.1/24", "my-green-ns2", "192.168.100.2/24")
                    .start()) {
                NetNs red = net.namespace("my-red-ns1");
                NetNs green = net.namespace("my-green-ns2");

                assertThat(red.exec("ip", "-brief", "address", "show", "eth0").stdout()).contains("192.168.100.1/24");
                assertThat(green.exec("ip", "-brief", "address", "show", "eth0").stdout()).contains("192.168.100.2/24");
                assertThat(red).canPing(green);
                assertThat(green).canPing(red);
            }
        }
    }
}
