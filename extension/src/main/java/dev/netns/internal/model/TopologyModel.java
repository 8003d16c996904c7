package dev.netns.internal.model;

import dev.netns.Impairment;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A validated, immutable topology: every name resolved, every address parsed, every interface
 * named. Made only by {@link TopologyValidator}; applying it cannot fail for a reason that could
 * have been seen in the declarations.
 */
public record TopologyModel(
        List<NamespaceSpec> namespaces,
        List<BridgeSpec> bridges,
        List<VethSpec> veths,
        List<RouteSpec> routes,
        List<NatSpec> nats,
        List<PortForwardSpec> portForwards,
        List<ImpairSpec> impairments) {

    /** The reserved name of the namespace that plays the machine in the tutorials. */
    public static final String HOST = "host";

    /** Copies the lists so the model stays immutable. */
    public TopologyModel {
        namespaces = List.copyOf(namespaces);
        bridges = List.copyOf(bridges);
        veths = List.copyOf(veths);
        routes = List.copyOf(routes);
        nats = List.copyOf(nats);
        portForwards = List.copyOf(portForwards);
        impairments = List.copyOf(impairments);
    }

    /** The first IPv4 address declared in {@code namespace}, on a cable end or a bridge. */
    public Optional<IpAddress> firstAddress(String namespace) {
        return addressesOf(namespace).stream().filter(Cidr::isIpv4).findFirst().map(Cidr::address);
    }

    /** The first IPv6 address declared in {@code namespace}. */
    public Optional<IpAddress> firstAddress6(String namespace) {
        return addressesOf(namespace).stream().filter(cidr -> !cidr.isIpv4()).findFirst().map(Cidr::address);
    }

    /** Every address declared in {@code namespace}, in declaration order, both families. */
    public List<Cidr> addressesOf(String namespace) {
        return interfacesOf(namespace).stream()
                .flatMap(spec -> spec.cidrs().stream())
                .toList();
    }

    /** Every interface declared in {@code namespace}: cable ends in declaration order, then bridges. */
    public List<InterfaceSpec> interfacesOf(String namespace) {
        var bridgeInterfaces = bridges.stream()
                .filter(bridge -> bridge.namespace().equals(namespace))
                .map(bridge -> new InterfaceSpec(bridge.name(), bridge.cidrs()));
        var cableInterfaces = veths.stream()
                .flatMap(veth -> Stream.of(veth.left(), veth.right()))
                .filter(end -> end.namespace().equals(namespace))
                .map(end -> new InterfaceSpec(end.interfaceName(), end.cidrs()));
        return Stream.concat(cableInterfaces, bridgeInterfaces).toList();
    }

    /** An interface's name and addresses. */
    public record InterfaceSpec(String name, List<Cidr> cidrs) {
    }

    /** A namespace; {@code forwarding} is the value IPv4 forwarding gets. */
    public record NamespaceSpec(String name, boolean forwarding, String origin) {
    }

    /** A bridge in {@code namespace} with its addresses (maybe none). */
    public record BridgeSpec(String name, String namespace, List<Cidr> cidrs, boolean netfilter, boolean stp,
            String origin) {

        /** Copies the list so the spec stays immutable. */
        public BridgeSpec {
            cidrs = List.copyOf(cidrs);
        }
    }

    /**
     * One end of a cable: an interface in a namespace, maybe a port of a bridge there, with its
     * addresses, MTU (0: the kernel's) and MAC address (null: the kernel's).
     */
    public record EndSpec(String namespace, String interfaceName, String bridge, List<Cidr> cidrs, int mtu, String mac) {

        /** Copies the list so the spec stays immutable. */
        public EndSpec {
            cidrs = List.copyOf(cidrs);
        }

        /** Whether this end is plugged into a bridge. */
        public boolean isBridgePort() {
            return bridge != null;
        }
    }

    /** A veth cable. */
    public record VethSpec(EndSpec left, EndSpec right, String origin) {
    }

    /** A static route through a gateway. */
    public record RouteSpec(String namespace, Cidr destination, IpAddress gateway, String origin) {
    }

    /** Masquerade of traffic from {@code source}, optionally only out of interface {@code out}. */
    public record NatSpec(String namespace, Cidr source, String out, String origin) {
    }

    /** An impairment of one interface, applied once everything else exists. */
    public record ImpairSpec(String namespace, String interfaceName, Impairment impairment, String origin) {
    }

    /** Destination NAT of {@code protocol} connections to {@code port} onto {@code to}:{@code toPort}. */
    public record PortForwardSpec(String namespace, int port, IpAddress to, int toPort, String protocol, String origin) {
    }
}
