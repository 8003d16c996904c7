package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Typed inspection of a namespace, read with rtnetlink dumps. */
class InspectionIT {

    private Topology net;

    @BeforeEach
    void start() {
        net = Topology.builder()
                .namespace("red")
                .namespace("blue")
                .bridge("br0", "10.0.0.254/24")
                .veth("red:veth-red", "10.0.0.1/24", "br0:port-red", null)
                .veth("blue", "10.0.0.2/24", "br0", null)
                .route("red", "default", "10.0.0.254")
                .route("red", "192.168.7.0/24", "10.0.0.2")
                .start();
    }

    @AfterEach
    void stop() {
        net.close();
    }

    @Test
    void linksShowKindStateAndBridgePorts() {
        assertThat(net.namespace("red").links())
                .extracting(LinkInfo::name, LinkInfo::kind, LinkInfo::up)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("lo", "", true),
                        org.assertj.core.groups.Tuple.tuple("veth-red", "veth", true));
        assertThat(net.namespace("host").links())
                .filteredOn(link -> "br0".equals(link.master()))
                .extracting(LinkInfo::name).containsExactlyInAnyOrder("port-red", "veth0");
        assertThat(net.namespace("host").links()).filteredOn(link -> link.name().equals("br0"))
                .singleElement().satisfies(bridge -> assertThat(bridge.kind()).isEqualTo("bridge"));
    }

    @Test
    void addressesAndRoutesAsDeclared() {
        // IPv4 first, then IPv6: the loopback's ::1 and the kernel's own link-local address
        assertThat(net.namespace("red").addresses()).startsWith(new AddressInfo("lo", "127.0.0.1/8"),
                new AddressInfo("veth-red", "10.0.0.1/24"), new AddressInfo("lo", "::1/128"));
        assertThat(net.namespace("red").addresses()).filteredOn(address -> address.cidr().startsWith("fe80:"))
                .singleElement().satisfies(linkLocal -> assertThat(linkLocal.interfaceName()).isEqualTo("veth-red"));
        assertThat(net.namespace("red").routes()).filteredOn(route -> !route.destination().contains(":"))
                .containsExactlyInAnyOrder(
                new RouteInfo("default", "10.0.0.254", "veth-red"),
                new RouteInfo("10.0.0.0/24", null, "veth-red"),
                new RouteInfo("192.168.7.0/24", "10.0.0.2", "veth-red"));
    }

    @Test
    void neighboursHoldWhatPingResolved() {
        NetNs red = net.namespace("red");
        NetNs blue = net.namespace("blue");
        assertThat(red.neighbours()).noneMatch(neighbour -> neighbour.address().equals("10.0.0.2"));

        assertThat(red.ping(blue).reachable()).isTrue();

        String blueMac = blue.links().stream().filter(link -> link.name().equals("eth0")).findFirst().orElseThrow().mac();
        assertThat(red.neighbours()).anySatisfy(neighbour -> {
            assertThat(neighbour.address()).isEqualTo("10.0.0.2");
            assertThat(neighbour.mac()).isEqualTo(blueMac);
            assertThat(neighbour.interfaceName()).isEqualTo("veth-red");
            assertThat(neighbour.state()).isIn("REACHABLE", "STALE", "DELAY");
        });
    }
}
