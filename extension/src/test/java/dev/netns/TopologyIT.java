package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopologyIT {

    @Test
    void vethPairBetweenTwoNamespacesCarriesPing() {
        try (Topology net = Topology.builder()
                .namespace("red")
                .namespace("blue")
                .veth("red:veth-red", "192.168.15.1/24", "blue:veth-blue", "192.168.15.2/24")
                .start()) {
            NetNs red = net.namespace("red");
            System.out.println(red.exec("ip", "addr"));
            assertThat(red.ping("192.168.15.2").reachable()).isTrue();
        }
    }
}
