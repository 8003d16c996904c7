package dev.netns.samples;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.LinkInfo;
import dev.netns.NetNs;
import dev.netns.RouteInfo;
import dev.netns.junit.Bridge;
import dev.netns.junit.Nat;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.Route;
import dev.netns.junit.VethPair;
import org.junit.jupiter.api.Test;

/**
 * Seeds 001 and 004: a virtual switch (bridge v-net-0) joins red and blue; the bridge's address
 * gives the host access; blue routes to a private network 192.168.1.0/24 through the host, which
 * only works back once the host masquerades. The "private network" is a namespace of the
 * topology, {@code lan}, joined to the host by its own cable.
 */
@NetnsTest
@Namespace("red")
@Namespace("blue")
@Namespace("lan")
@Bridge(value = "v-net-0", address = "192.168.15.5/24")
@VethPair(left = "red:veth-red", leftAddress = "192.168.15.1/24", right = "v-net-0:veth-red-br")
@VethPair(left = "blue:veth-blue", leftAddress = "192.168.15.2/24", right = "v-net-0:veth-blue-br")
@VethPair(left = "host:eth-lan", leftAddress = "192.168.1.2/24", right = "lan", rightAddress = "192.168.1.10/24")
@Route(in = "blue", to = "192.168.1.0/24", via = "192.168.15.5")
class Seed001BridgeNatTest {

    @Namespace("red") NetNs red;
    @Namespace("blue") NetNs blue;
    @Namespace("host") NetNs host;

    @Test
    void namespacesTalkThroughTheSwitch() {
        assertThat(red).canPing(blue);
        assertThat(blue).canPing(red);
    }

    @Test
    void theArpTableAndRoutesAreThereToRead() {
        // the tutorial's `ip -n red neigh` / `arp` and `route`, as typed records
        assertThat(red).canPing(blue);

        assertThat(red.neighbours()).anySatisfy(neighbour -> {
            assertThat(neighbour.address()).isEqualTo("192.168.15.2");
            assertThat(neighbour.interfaceName()).isEqualTo("veth-red");
            assertThat(neighbour.mac()).isNotNull();
        });
        assertThat(blue.routes()).contains(new RouteInfo("192.168.1.0/24", "192.168.15.5", "veth-blue"));
        assertThat(host.links()).filteredOn(link -> "v-net-0".equals(link.master()))
                .extracting(LinkInfo::name).containsExactlyInAnyOrder("veth-red-br", "veth-blue-br");
    }

    @Test
    void theBridgeAddressGivesTheHostAccess() {
        assertThat(host).canPing(red).canPing(blue);
        assertThat(red).canPing("192.168.15.5");
    }

    @Test
    void withoutNatTheOutsideNetworkCannotAnswer() {
        // blue's echo request reaches lan, but lan has no route back to 192.168.15.0/24
        assertThat(blue).cannotPing("192.168.1.10");
    }

    @Test
    @Nat(in = "host", source = "192.168.15.0/24")
    void withMasqueradeTheOutsideNetworkAnswers() {
        assertThat(blue).canPing("192.168.1.10");
    }

    @Test
    @Nat(in = "host", source = "192.168.15.0/24")
    void redHasNoRouteToTheOutsideNetwork() {
        assertThat(red).cannotPing("192.168.1.10");
    }
}
