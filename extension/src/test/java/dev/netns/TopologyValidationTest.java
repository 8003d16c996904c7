package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netns.internal.model.Declaration.BridgeDeclaration;
import dev.netns.internal.model.Declaration.NamespaceDeclaration;
import dev.netns.internal.model.Declaration.VethDeclaration;
import dev.netns.internal.model.Declaration;
import dev.netns.internal.model.SpanningTree;
import dev.netns.internal.model.TopologyModel.EndSpec;
import dev.netns.internal.model.TopologyModel;
import dev.netns.internal.model.TopologyValidator;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Validation of whole declarations: pure Java, no kernel, no root. */
class TopologyValidationTest {

    private static Topology.Builder redBlue() {
        return Topology.builder().namespace("red").namespace("blue");
    }

    private static void assertRejected(UnaryOperator<Topology.Builder> declare, String... messageParts) {
        assertThatThrownBy(() -> declare.apply(redBlue()).validate())
                .isInstanceOf(NetnsException.class)
                .message().contains(messageParts);
    }

    @Test
    void badCidrNamesTheCallAndTheProblem() {
        assertRejected(b -> b.veth("red", "192.168.15.300/24", "blue", null),
                "veth(\"red\", \"192.168.15.300/24\", \"blue\", null)", "left address", "300 is over 255");
    }

    @Test
    void broadcastAnycastAndCatchAllAddressesAreRefusedOnInterfaces() {
        assertRejected(b -> b.veth("red", "255.255.255.255/32", "blue", null), "left address", "limited broadcast");
        assertRejected(b -> b.veth("red", "10.0.0.1/24", "blue", "10.0.0.255/24"), "right address", "broadcast address");
        assertRejected(b -> b.veth("red", "fd00::/64", "blue", null), "Subnet-Router anycast", "fd00::1/64");
        assertRejected(b -> b.veth("red", "10.0.0.1/0", "blue", null), "/0");
        assertRejected(b -> b.bridge("br0", "10.0.0.255/24"), "broadcast address");
    }

    @Test
    void interfaceNamesStartingWithADashAreRefused() {
        assertRejected(b -> b.veth("red:-eth0", "10.0.0.1/24", "blue", null), "'-eth0'", "start with '-'");
    }

    @Test
    void prefixOutOfRange() {
        assertRejected(b -> b.veth("red", "10.0.0.1/24", "blue", "10.0.0.2/40"), "right address", "prefix length 40 is out of range");
    }

    @Test
    void unknownNamespaceListsTheDeclaredOnes() {
        assertRejected(b -> b.veth("red", null, "gren", null), "unknown namespace 'gren'", "declared: red, blue");
    }

    @Test
    void duplicateNamespaceNamesBothDeclarations() {
        assertRejected(b -> b.namespace("red"), "namespace 'red' is declared twice");
    }

    @Test
    void bridgeAndNamespaceShareOneSetOfNames() {
        assertRejected(b -> b.bridge("red", null), "'red' is already a namespace");
    }

    @Test
    void interfaceNameOverFifteenCharacters() {
        assertRejected(b -> b.veth("red:this-name-is-too-long", null, "blue", null), "is 21 characters; Linux allows at most 15");
    }

    @Test
    void interfaceNameUsedTwiceInOneNamespace() {
        assertRejected(b -> b.veth("red:a", null, "blue", null).veth("red:a", null, "blue", null),
                "interface name 'a' is used twice in namespace 'red'");
    }

    @Test
    void reservedInterfaceNames() {
        assertRejected(b -> b.veth("red:lo", null, "blue", null), "'lo' is taken");
        assertRejected(b -> b.veth("red:all", null, "blue", null), "'all' is reserved");
    }

    @Test
    void gatewayMustBeAnAddress() {
        assertRejected(b -> b.veth("red", "10.0.0.1/24", "blue", "10.0.0.2/24").route("red", "default", "10.0.0.x"),
                "route(\"red\", \"default\", \"10.0.0.x\")", "gateway", "'x' is not a number");
    }

    @Test
    void gatewayMustBeANeighbour() {
        assertRejected(b -> b.veth("red", "10.0.0.1/24", "blue", "10.0.0.2/24").route("red", "default", "10.9.9.9"),
                "gateway 10.9.9.9 is not on any network of namespace 'red'", "10.0.0.1/24");
    }

    @Test
    void routeDestinationWithHostBits() {
        assertRejected(b -> b.veth("red", "10.0.0.1/24", "blue", "10.0.0.2/24").route("red", "192.168.1.7/24", "10.0.0.2"),
                "has host bits set; did you mean 192.168.1.0/24");
    }

    @Test
    void portForwardDestinationMustBeAddressAndPort() {
        assertRejected(b -> b.portForward("red", 8080, "192.168.15.2"), "is not address:port");
        assertRejected(b -> b.portForward("red", 8080, "blue:80"), "destination address", "'blue' is not an IP address");
        assertRejected(b -> b.portForward("red", 70000, "10.0.0.2:80"), "port 70000 is out of range");
        assertRejected(b -> b.portForward("red", 80, "10.0.0.2:80", "sctp"), "protocol 'sctp' is not supported");
    }

    @Test
    void addressOnABridgePortIsRefusedWithAHint() {
        assertRejected(b -> b.bridge("br0", null).veth("red", null, "br0", "10.0.0.9/24"),
                "plugged into bridge 'br0' and cannot have an address", "put the address on the bridge");
    }

    @Test
    void natOutMustBeAnInterfaceOfThatNamespace() {
        assertRejected(b -> b.veth("red", null, "blue", null).nat("red", "10.0.0.0/24", "wan0"),
                "out interface 'wan0' is not an interface of namespace 'red'", "[eth0]");
    }

    @Test
    void anEmptyDeclarationIsRefused() {
        assertThatThrownBy(() -> Topology.builder().validate()).isInstanceOf(NetnsException.class).hasMessageContaining("declares nothing");
    }

    @Test
    void originReplacesTheCallInMessages() {
        assertThatThrownBy(() -> redBlue().origin("@VethPair(...) on class MyTest").veth("red", "bad", "blue", null).validate())
                .hasMessageStartingWith("@VethPair(...) on class MyTest: left address");
    }

    @Test
    void interfacesAreNamedEthNInOrderAndBridgePortsVethN() {
        TopologyModel model = TopologyValidator.validate(List.of(
                new NamespaceDeclaration("red", false, "n1"),
                new NamespaceDeclaration("blue", false, "n2"),
                new VethDeclaration("red", "10.0.0.1/24", "blue", "10.0.0.2/24", "v1"),
                new VethDeclaration("red:eth1", null, "blue:uplink", null, "v2"),
                new VethDeclaration("red", null, "blue", null, "v3")));

        assertThat(model.veths()).extracting(veth -> veth.left().interfaceName()).containsExactly("eth0", "eth1", "eth2");
        assertThat(model.veths()).extracting(veth -> veth.right().interfaceName()).containsExactly("eth0", "uplink", "eth1");
        assertThat(model.firstAddress("blue")).hasValueSatisfying(address -> assertThat(address).hasToString("10.0.0.2"));
    }

    @Test
    void referringToHostCreatesItWithForwardingOn() {
        TopologyModel model = TopologyValidator.validate(List.of(
                new NamespaceDeclaration("red", false, "n1"),
                new VethDeclaration("red", null, "br0", null, "v1"),
                new BridgeDeclaration("br0", null, null, false, "b1")));

        assertThat(model.namespaces()).extracting(TopologyModel.NamespaceSpec::name).containsExactly("red", "host");
        assertThat(model.namespaces().get(1).forwarding()).isTrue();
        assertThat(model.veths().get(0).right()).isEqualTo(new EndSpec("host", "veth0", "br0", java.util.List.of(), 0, null));
    }

    @Test
    void ipv6AndSeveralAddressesPerInterfaceAreAccepted() {
        TopologyModel model = TopologyValidator.validate(java.util.List.of(
                new NamespaceDeclaration("red", false, "n1"),
                new NamespaceDeclaration("blue", false, "n2"),
                new VethDeclaration("red", "10.0.0.1/24, fd00::1/64", "blue", "10.0.0.2/24,fd00::2/64", 9000,
                        "02:00:00:00:00:01", null, "v1")));
        assertThat(model.addressesOf("red")).extracting(Object::toString).containsExactly("10.0.0.1/24", "fd00::1/64");
        assertThat(model.firstAddress6("blue")).map(Object::toString).contains("fd00::2");
        assertThat(model.veths().get(0).left().mtu()).isEqualTo(9000);
        assertThat(model.veths().get(0).left().mac()).isEqualTo("02:00:00:00:00:01");
    }

    @Test
    void mistakesAcrossDeclarationsAreCaughtEarly() {
        assertRejected(b -> b.veth("red", "10.0.0.1/24", "blue", "10.0.0.1/24"),
                "address 10.0.0.1 is declared twice in this topology, by this one declaration: on red:eth0 and on blue:eth0");
        assertThatThrownBy(() -> redBlue().origin("@VethPair(a) on class A").veth("red", "10.0.0.1/24", "blue", null)
                .origin("@VethPair(b) on class A").veth("red", "10.1.0.5/24", "blue", "10.0.0.1/24").validate())
                .hasMessage("@VethPair(b) on class A: address 10.0.0.1 is declared twice in this topology (first by "
                        + "@VethPair(a) on class A, on red:eth0)");
        assertRejected(b -> b.veth("red", "10.0.0.1/24", "blue", "10.0.0.2/24").veth("red", "10.0.0.3/16", "blue", null),
                "10.0.0.3/16 on red:eth1 overlaps 10.0.0.1/24 on red:eth0");
        assertRejected(b -> b.veth("red", "10.0.0.1/24", "blue", "10.0.0.2/24").route("red", "10.0.0.0/24", "10.0.0.2"),
                "is connected to 10.0.0.0/24 already");
        assertRejected(b -> b.veth("red", "10.0.0.1/24", "blue", "10.0.0.2/24").portForward("red", 80, "10.0.0.9:80"),
                "destination 10.0.0.9 is not an address of any namespace of this topology");
        assertRejected(b -> b.veth("red", "10.0.0.1/24", "blue", "10.0.0.2/24").route("red", "default", "10.0.0.0"),
                "gateway 10.0.0.0 is the network address");
        assertRejected(b -> b.veth("red", "fd00::1/64", "blue", "fd00::2/64").route("red", "10.9.0.0/16", "fd00::2"),
                "a route and its next hop are of one family");
        assertRejected(b -> b.nat("red", "fd00::/64"), "masquerade (NAT) is for IPv4 only");
        assertRejected(b -> b.veth("red", "224.0.0.1/24", "blue", null), "is a multicast address");
        assertRejected(b -> b.veth("red", "10.0.0.0/24", "blue", null), "is the network address of its subnet");
        assertRejected(b -> b.veth("red", null, "blue", null, 0, "01:00:5e:00:00:01", null), "is a multicast MAC address");
        assertRejected(b -> b.veth("red", null, "blue", null, 0, "02:00:00:00:00:0g", null), "is not a MAC address");
        assertRejected(b -> b.veth("red", "fd00::1/64", "blue", null, 1000, null, null), "below 1280");
        assertRejected(b -> b.veth("red", "fd00::1/64", "blue", "fd00::2/64").portForward("red", 80, "fd00::2:80"),
                "write an IPv6 address in brackets");
        assertRejected(b -> b.veth("red", "10.0.0.1/24", "blue", "10.0.0.2/24\nx"), "\\n");
    }

    @Test
    void impairmentsNameAnExistingCableEnd() {
        Impairment delay = Impairment.builder().delay(java.time.Duration.ofMillis(5)).build();
        assertRejected(b -> b.veth("red", null, "blue", null).impair("red", delay), "must name namespace and interface");
        assertRejected(b -> b.veth("red", null, "blue", null).impair("red:eth7", delay),
                "namespace 'red' has no cable end 'eth7' (its cable ends: [eth0])");
        assertRejected(b -> b.veth("red", null, "blue", null).impair("red:eth0", delay).impair("red:eth0", delay),
                "is impaired twice");
    }

    @Test
    void aLoopOfStpBridgesHasOnePortPerExtraCableLeftDown() {
        TopologyModel torus = TopologyValidator.validate(torusDeclarations(3));
        // 9 bridges, 18 cables between them: a spanning tree keeps 8, so 10 ports stay down
        assertThat(SpanningTree.portsToBlock(torus)).hasSize(10);
    }

    private static java.util.List<Declaration> torusDeclarations(int size) {
        java.util.List<Declaration> declarations = new java.util.ArrayList<>();
        for (int i = 0; i < size * size; i++) {
            declarations.add(new BridgeDeclaration("s" + i, null, null, false, true, "b" + i));
        }
        for (int row = 0; row < size; row++) {
            for (int column = 0; column < size; column++) {
                int here = row * size + column;
                declarations.add(new VethDeclaration("s" + here, null, "s" + (row * size + (column + 1) % size), null, "h" + here));
                declarations.add(new VethDeclaration("s" + here, null, "s" + (((row + 1) % size) * size + column), null, "v" + here));
            }
        }
        return declarations;
    }
}
