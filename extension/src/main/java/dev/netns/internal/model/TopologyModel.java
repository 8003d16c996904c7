package dev.netns.internal.model;

import dev.netns.internal.Cidr;
import dev.netns.internal.Ipv4Address;
import java.util.List;
import java.util.Optional;

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
        List<PortForwardSpec> portForwards) {

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
    }

    /** The first IPv4 address declared in {@code namespace}, on a cable end or a bridge. */
    public Optional<Ipv4Address> firstAddress(String namespace) {
        return addressesOf(namespace).stream().findFirst().map(Cidr::address);
    }

    /** Every address declared in {@code namespace}, in declaration order. */
    public List<Cidr> addressesOf(String namespace) {
        return interfacesOf(namespace).stream()
                .map(InterfaceSpec::cidr)
                .flatMap(Optional::stream)
                .toList();
    }

    /** Every interface declared in {@code namespace}: cable ends in declaration order, then bridges. */
    public List<InterfaceSpec> interfacesOf(String namespace) {
        var bridgeInterfaces = bridges.stream()
                .filter(bridge -> bridge.namespace().equals(namespace))
                .map(bridge -> new InterfaceSpec(bridge.name(), Optional.ofNullable(bridge.cidr())));
        var cableInterfaces = veths.stream()
                .flatMap(veth -> java.util.stream.Stream.of(veth.left(), veth.right()))
                .filter(end -> end.namespace().equals(namespace))
                .map(end -> new InterfaceSpec(end.interfaceName(), Optional.ofNullable(end.cidr())));
        return java.util.stream.Stream.concat(cableInterfaces, bridgeInterfaces).toList();
    }

    /** An interface's name and optional address. */
    public record InterfaceSpec(String name, Optional<Cidr> cidr) {
    }

    /** A namespace; {@code forwarding} is the value IPv4 forwarding gets. */
    public record NamespaceSpec(String name, boolean forwarding, String origin) {
    }

    /** A bridge in {@code namespace}; {@code cidr} may be null. */
    public record BridgeSpec(String name, String namespace, Cidr cidr, boolean netfilter, String origin) {
    }

    /** One end of a cable: an interface in a namespace, maybe a port of a bridge there. */
    public record EndSpec(String namespace, String interfaceName, String bridge, Cidr cidr) {

        /** Whether this end is plugged into a bridge. */
        public boolean isBridgePort() {
            return bridge != null;
        }
    }

    /** A veth cable. */
    public record VethSpec(EndSpec left, EndSpec right, String origin) {
    }

    /** A static route through a gateway. */
    public record RouteSpec(String namespace, Cidr destination, Ipv4Address gateway, String origin) {
    }

    /** Masquerade of traffic from {@code source}, optionally only out of interface {@code out}. */
    public record NatSpec(String namespace, Cidr source, String out, String origin) {
    }

    /** Destination NAT of {@code protocol} connections to {@code port} onto {@code to}:{@code toPort}. */
    public record PortForwardSpec(String namespace, int port, Ipv4Address to, int toPort, String protocol, String origin) {
    }
}
