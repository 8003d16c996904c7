package dev.netns.internal.model;

import dev.netns.NetnsException;
import dev.netns.internal.Cidr;
import dev.netns.internal.Ipv4Address;
import dev.netns.internal.model.Declaration.BridgeDeclaration;
import dev.netns.internal.model.Declaration.NamespaceDeclaration;
import dev.netns.internal.model.Declaration.NatDeclaration;
import dev.netns.internal.model.Declaration.PortForwardDeclaration;
import dev.netns.internal.model.Declaration.RouteDeclaration;
import dev.netns.internal.model.Declaration.VethDeclaration;
import dev.netns.internal.model.TopologyModel.BridgeSpec;
import dev.netns.internal.model.TopologyModel.EndSpec;
import dev.netns.internal.model.TopologyModel.NamespaceSpec;
import dev.netns.internal.model.TopologyModel.NatSpec;
import dev.netns.internal.model.TopologyModel.PortForwardSpec;
import dev.netns.internal.model.TopologyModel.RouteSpec;
import dev.netns.internal.model.TopologyModel.VethSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns declarations into a {@link TopologyModel}, finding every error before anything is
 * created. Pure Java: touches no kernel.
 */
public final class TopologyValidator {

    /** The kernel's limit on an interface name (IFNAMSIZ - 1). */
    public static final int MAX_INTERFACE_NAME = 15;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private final Map<String, NamespaceSpec> namespaces = new LinkedHashMap<>();
    private final Map<String, BridgeSpec> bridges = new LinkedHashMap<>();
    private final Map<String, Set<String>> interfaceNames = new HashMap<>();

    private TopologyValidator() {
    }

    /**
     * Validates {@code declarations} as a whole.
     *
     * @throws NetnsException naming the first declaration at fault and why
     */
    public static TopologyModel validate(List<Declaration> declarations) {
        return new TopologyValidator().run(declarations);
    }

    private TopologyModel run(List<Declaration> declarations) {
        if (declarations.isEmpty()) {
            throw new NetnsException("The topology declares nothing: declare at least one namespace");
        }
        declareNamespaces(declarations);
        declareBridges(declarations);
        List<VethSpec> veths = declareVeths(declarations);
        List<RouteSpec> routes = new ArrayList<>();
        List<NatSpec> nats = new ArrayList<>();
        List<PortForwardSpec> portForwards = new ArrayList<>();
        TopologyModel addressesOnly = new TopologyModel(List.copyOf(namespaces.values()), List.copyOf(bridges.values()),
                veths, List.of(), List.of(), List.of());
        for (Declaration declaration : declarations) {
            if (declaration instanceof RouteDeclaration route) {
                routes.add(route(route, addressesOnly));
            } else if (declaration instanceof NatDeclaration nat) {
                nats.add(nat(nat));
            } else if (declaration instanceof PortForwardDeclaration forward) {
                portForwards.add(portForward(forward));
            }
        }
        return new TopologyModel(List.copyOf(namespaces.values()), List.copyOf(bridges.values()), veths, routes, nats,
                portForwards);
    }

    private void declareNamespaces(List<Declaration> declarations) {
        for (Declaration declaration : declarations) {
            if (declaration instanceof NamespaceDeclaration namespace) {
                checkName(namespace.name(), "namespace name", namespace.origin());
                if (namespaces.containsKey(namespace.name())) {
                    throw fail(namespace.origin(), "namespace '" + namespace.name() + "' is declared twice (first by "
                            + namespaces.get(namespace.name()).origin() + ")");
                }
                boolean forwarding = namespace.forwarding() || TopologyModel.HOST.equals(namespace.name());
                namespaces.put(namespace.name(), new NamespaceSpec(namespace.name(), forwarding, namespace.origin()));
            }
        }
        for (Declaration declaration : declarations) {
            if (!(declaration instanceof NamespaceDeclaration) && refersToHost(declaration)
                    && !namespaces.containsKey(TopologyModel.HOST)) {
                namespaces.put(TopologyModel.HOST, new NamespaceSpec(TopologyModel.HOST, true,
                        "namespace 'host' (created because " + declaration.origin() + " refers to it)"));
            }
        }
    }

    private static boolean refersToHost(Declaration declaration) {
        if (declaration instanceof BridgeDeclaration bridge) {
            return bridge.in() == null || TopologyModel.HOST.equals(bridge.in());
        }
        if (declaration instanceof VethDeclaration veth) {
            return isHostEnd(veth.leftEnd()) || isHostEnd(veth.rightEnd());
        }
        if (declaration instanceof RouteDeclaration route) {
            return TopologyModel.HOST.equals(route.in());
        }
        if (declaration instanceof NatDeclaration nat) {
            return TopologyModel.HOST.equals(nat.in());
        }
        if (declaration instanceof PortForwardDeclaration forward) {
            return TopologyModel.HOST.equals(forward.in());
        }
        return false;
    }

    private static boolean isHostEnd(String end) {
        return end != null && (end.equals(TopologyModel.HOST) || end.startsWith(TopologyModel.HOST + ":"));
    }

    private void declareBridges(List<Declaration> declarations) {
        for (Declaration declaration : declarations) {
            if (declaration instanceof BridgeDeclaration bridge) {
                String origin = bridge.origin();
                checkName(bridge.name(), "bridge name", origin);
                checkInterfaceName(bridge.name(), "bridge name", origin);
                if (namespaces.containsKey(bridge.name())) {
                    throw fail(origin, "'" + bridge.name() + "' is already a namespace; bridges and namespaces share one set of names");
                }
                if (bridges.containsKey(bridge.name())) {
                    throw fail(origin, "bridge '" + bridge.name() + "' is declared twice (first by "
                            + bridges.get(bridge.name()).origin() + ")");
                }
                String in = bridge.in() == null ? TopologyModel.HOST : bridge.in();
                requireNamespace(in, "bridge '" + bridge.name() + "' is in", origin);
                Cidr cidr = bridge.cidr() == null ? null : parseCidr(bridge.cidr(), "address", origin);
                claimInterface(in, bridge.name(), origin);
                bridges.put(bridge.name(), new BridgeSpec(bridge.name(), in, cidr, bridge.netfilter(), origin));
            }
        }
    }

    private List<VethSpec> declareVeths(List<Declaration> declarations) {
        List<VethDeclaration> cables = declarations.stream()
                .filter(VethDeclaration.class::isInstance).map(VethDeclaration.class::cast).toList();
        List<ParsedEnd[]> parsed = new ArrayList<>();
        for (VethDeclaration cable : cables) {
            ParsedEnd left = parseEnd(cable.leftEnd(), cable.leftCidr(), "left", cable.origin());
            ParsedEnd right = parseEnd(cable.rightEnd(), cable.rightCidr(), "right", cable.origin());
            if (left.bridge != null && left.bridge.equals(right.bridge)) {
                throw fail(cable.origin(), "both ends are plugged into bridge '" + left.bridge + "'; a cable needs two different ends");
            }
            for (ParsedEnd end : new ParsedEnd[] {left, right}) {
                if (end.interfaceName != null) {
                    claimInterface(end.namespace, end.interfaceName, cable.origin());
                }
            }
            parsed.add(new ParsedEnd[] {left, right});
        }
        List<VethSpec> veths = new ArrayList<>();
        for (int i = 0; i < cables.size(); i++) {
            ParsedEnd[] ends = parsed.get(i);
            veths.add(new VethSpec(ends[0].toSpec(autoName(ends[0])), ends[1].toSpec(autoName(ends[1])), cables.get(i).origin()));
        }
        return veths;
    }

    private String autoName(ParsedEnd end) {
        if (end.interfaceName != null) {
            return end.interfaceName;
        }
        String prefix = end.bridge == null ? "eth" : "veth";
        Set<String> taken = interfaceNames.computeIfAbsent(end.namespace, key -> new HashSet<>());
        for (int index = 0; ; index++) {
            String candidate = prefix + index;
            if (taken.add(candidate)) {
                return candidate;
            }
        }
    }

    private ParsedEnd parseEnd(String end, String cidrText, String side, String origin) {
        if (end == null || end.isBlank()) {
            throw fail(origin, side + " end is missing: write a namespace (\"red\"), \"namespace:interface\" or a bridge name");
        }
        int colon = end.indexOf(':');
        String owner = colon < 0 ? end : end.substring(0, colon);
        String interfaceName = colon < 0 ? null : end.substring(colon + 1);
        if (interfaceName != null) {
            checkInterfaceName(interfaceName, side + " interface name", origin);
        }
        Cidr cidr = cidrText == null ? null : parseCidr(cidrText, side + " address", origin);
        BridgeSpec bridge = bridges.get(owner);
        if (bridge != null) {
            if (cidr != null) {
                throw fail(origin, side + " end is plugged into bridge '" + owner + "' and cannot have an address ("
                        + cidrText + "); put the address on the bridge itself (address of @Bridge / bridge(name, cidr))");
            }
            return new ParsedEnd(bridge.namespace(), interfaceName, owner, null);
        }
        requireNamespace(owner, side + " end '" + end + "' names", origin);
        return new ParsedEnd(owner, interfaceName, null, cidr);
    }

    private RouteSpec route(RouteDeclaration route, TopologyModel declared) {
        String origin = route.origin();
        requireNamespace(route.in(), "the route is in", origin);
        if (route.destination() == null || route.destination().isBlank()) {
            throw fail(origin, "destination is missing: write a CIDR such as 192.168.1.0/24, or default");
        }
        Cidr destination = parse(() -> Cidr.parseDestination(route.destination()), "destination", origin);
        if (!destination.address().equals(destination.network())) {
            throw fail(origin, "destination " + destination + " has host bits set; did you mean " + destination.network()
                    + "/" + destination.prefixLength() + "?");
        }
        if (route.gateway() == null || route.gateway().isBlank()) {
            throw fail(origin, "gateway (via) is missing: write the address of the next hop, e.g. 192.168.15.5");
        }
        Ipv4Address gateway = parse(() -> Ipv4Address.parse(route.gateway()), "gateway", origin);
        List<Cidr> networks = declared.addressesOf(route.in());
        boolean onLink = networks.stream().anyMatch(network -> network.contains(gateway) && !network.address().equals(gateway));
        if (!onLink) {
            throw fail(origin, "gateway " + gateway + " is not on any network of namespace '" + route.in()
                    + "' (its addresses: " + (networks.isEmpty() ? "none" : networks) + "); the next hop must be a neighbour");
        }
        return new RouteSpec(route.in(), destination, gateway, origin);
    }

    private NatSpec nat(NatDeclaration nat) {
        requireNamespace(nat.in(), "the NAT is in", nat.origin());
        if (nat.source() == null || nat.source().isBlank()) {
            throw fail(nat.origin(), "source is missing: write the CIDR of the traffic to masquerade, e.g. 192.168.15.0/24");
        }
        Cidr source = parseCidr(nat.source(), "source", nat.origin());
        String out = nat.out() == null || nat.out().isBlank() ? null : nat.out();
        if (out != null && !interfaceNames.getOrDefault(nat.in(), Set.of()).contains(out)) {
            throw fail(nat.origin(), "out interface '" + out + "' is not an interface of namespace '" + nat.in()
                    + "' (it has: " + new java.util.TreeSet<>(interfaceNames.getOrDefault(nat.in(), Set.of())) + ")");
        }
        return new NatSpec(nat.in(), new Cidr(source.network(), source.prefixLength()), out, nat.origin());
    }

    private PortForwardSpec portForward(PortForwardDeclaration forward) {
        String origin = forward.origin();
        requireNamespace(forward.in(), "the port forward is in", origin);
        checkPort(forward.port(), "port", origin);
        String protocol = forward.protocol() == null ? "tcp" : forward.protocol().toLowerCase(java.util.Locale.ROOT);
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw fail(origin, "protocol '" + forward.protocol() + "' is not supported (use tcp or udp)");
        }
        String destination = forward.destination();
        int colon = destination == null ? -1 : destination.lastIndexOf(':');
        if (colon < 0) {
            throw fail(origin, "destination '" + destination + "' is not address:port (e.g. 192.168.15.2:80)");
        }
        Ipv4Address to = parse(() -> Ipv4Address.parse(destination.substring(0, colon)), "destination address", origin);
        String portText = destination.substring(colon + 1);
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw fail(origin, "destination '" + destination + "' has no valid port after the colon");
        }
        int toPort = Integer.parseInt(portText);
        checkPort(toPort, "destination port", origin);
        return new PortForwardSpec(forward.in(), forward.port(), to, toPort, protocol, origin);
    }

    private void checkPort(int port, String what, String origin) {
        if (port < 1 || port > 65535) {
            throw fail(origin, what + " " + port + " is out of range 1..65535");
        }
    }

    private void requireNamespace(String name, String role, String origin) {
        if (name == null || name.isBlank()) {
            throw fail(origin, role + " no namespace: a namespace name is required");
        }
        if (!namespaces.containsKey(name)) {
            String known = String.join(", ", namespaces.keySet());
            String bridgeHint = bridges.containsKey(name) ? " ('" + name + "' is a bridge, not a namespace)" : "";
            throw fail(origin, role + " unknown namespace '" + name + "'" + bridgeHint + " (declared: "
                    + (known.isEmpty() ? "none" : known) + ")");
        }
    }

    private void claimInterface(String namespace, String name, String origin) {
        if (!interfaceNames.computeIfAbsent(namespace, key -> new HashSet<>()).add(name)) {
            throw fail(origin, "interface name '" + name + "' is used twice in namespace '" + namespace + "'");
        }
    }

    private static void checkName(String name, String what, String origin) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw fail(origin, what + " '" + name + "' is not valid: use letters, digits, '-', '_' or '.', starting with a letter or digit");
        }
    }

    private static void checkInterfaceName(String name, String what, String origin) {
        if (name.isEmpty() || !INTERFACE_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw fail(origin, what + " '" + name + "' is not a valid interface name (letters, digits, '-', '_', '.')");
        }
        if (name.length() > MAX_INTERFACE_NAME) {
            throw fail(origin, what + " '" + name + "' is " + name.length() + " characters; Linux allows at most "
                    + MAX_INTERFACE_NAME);
        }
        if (name.equals("lo")) {
            throw fail(origin, what + " 'lo' is taken by the loopback interface of every namespace");
        }
        if (name.equals("all") || name.equals("default")) {
            throw fail(origin, what + " '" + name + "' is reserved by the kernel (net.ipv4.conf." + name + ")");
        }
    }

    private static Cidr parseCidr(String text, String what, String origin) {
        return parse(() -> Cidr.parse(text), what, origin);
    }

    private static <T> T parse(java.util.function.Supplier<T> parser, String what, String origin) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw fail(origin, what + " " + e.getMessage());
        }
    }

    private static NetnsException fail(String origin, String reason) {
        return new NetnsException(origin + ": " + reason);
    }

    private record ParsedEnd(String namespace, String interfaceName, String bridge, Cidr cidr) {

        EndSpec toSpec(String name) {
            return new EndSpec(namespace, name, bridge, cidr);
        }
    }
}
