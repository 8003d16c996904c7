package dev.netns.internal.model;

import dev.netns.NetnsException;
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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
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
    /** Every interface address declared so far, with where it was declared, to find duplicates. */
    private final Map<IpAddress, String> addressOrigins = new HashMap<>();
    /** Where each address sits ({@code red:eth0}), to tell two ends of one declaration apart. */
    private final Map<IpAddress, String> addressPlaces = new HashMap<>();
    /** Per namespace: the networks of its interfaces, to find overlaps between two interfaces. */
    private final Map<String, List<AddressPlacement>> placements = new HashMap<>();

    /** An address on one interface of a namespace, and the declaration that put it there. */
    private record AddressPlacement(String interfaceName, Cidr cidr, String origin) {
    }

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
        List<TopologyModel.ImpairSpec> impairments = new ArrayList<>();
        TopologyModel addressesOnly = new TopologyModel(List.copyOf(namespaces.values()), List.copyOf(bridges.values()),
                veths, List.of(), List.of(), List.of(), List.of());
        for (Declaration declaration : declarations) {
            if (declaration instanceof RouteDeclaration route) {
                routes.add(route(route, addressesOnly));
            } else if (declaration instanceof NatDeclaration nat) {
                nats.add(nat(nat));
            } else if (declaration instanceof PortForwardDeclaration forward) {
                portForwards.add(portForward(forward));
            } else if (declaration instanceof Declaration.ImpairDeclaration impair) {
                impairments.add(impair(impair, impairments));
            }
        }
        for (PortForwardSpec forward : portForwards) {
            if (!addressOrigins.containsKey(forward.to())) {
                throw fail(forward.origin(), "destination " + forward.to() + " is not an address of any namespace of this "
                        + "topology; a port forward must lead to one of them (declared addresses: "
                        + new TreeSet<>(addressOrigins.keySet().stream().map(IpAddress::toString).toList()) + ")");
            }
        }
        return new TopologyModel(List.copyOf(namespaces.values()), List.copyOf(bridges.values()), veths, routes, nats,
                portForwards, impairments);
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
                List<Cidr> cidrs = parseInterfaceCidrs(bridge.cidr(), "address", origin);
                claimInterface(in, bridge.name(), origin);
                placeAddresses(in, bridge.name(), cidrs, origin);
                bridges.put(bridge.name(), new BridgeSpec(bridge.name(), in, cidrs, bridge.netfilter(), bridge.stp(), origin));
            }
        }
    }

    private List<VethSpec> declareVeths(List<Declaration> declarations) {
        List<VethDeclaration> cables = declarations.stream()
                .filter(VethDeclaration.class::isInstance).map(VethDeclaration.class::cast).toList();
        List<ParsedEnd[]> parsed = new ArrayList<>();
        for (VethDeclaration cable : cables) {
            ParsedEnd left = parseEnd(cable.leftEnd(), cable.leftCidr(), cable.leftMac(), cable.mtu(), "left", cable.origin());
            ParsedEnd right = parseEnd(cable.rightEnd(), cable.rightCidr(), cable.rightMac(), cable.mtu(), "right",
                    cable.origin());
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
            EndSpec left = ends[0].toSpec(autoName(ends[0]));
            EndSpec right = ends[1].toSpec(autoName(ends[1]));
            placeAddresses(left.namespace(), left.interfaceName(), left.cidrs(), cables.get(i).origin());
            placeAddresses(right.namespace(), right.interfaceName(), right.cidrs(), cables.get(i).origin());
            veths.add(new VethSpec(left, right, cables.get(i).origin()));
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

    private ParsedEnd parseEnd(String end, String cidrText, String macText, int mtu, String side, String origin) {
        if (end == null || end.isBlank()) {
            throw fail(origin, side + " end is missing: write a namespace (\"red\"), \"namespace:interface\" or a bridge name");
        }
        int colon = end.indexOf(':');
        String owner = colon < 0 ? end : end.substring(0, colon);
        String interfaceName = colon < 0 ? null : end.substring(colon + 1);
        if (interfaceName != null) {
            checkInterfaceName(interfaceName, side + " interface name", origin);
        }
        List<Cidr> cidrs = parseInterfaceCidrs(cidrText, side + " address", origin);
        String mac = macText == null || macText.isEmpty() ? null : checkMac(macText, side + " MAC address", origin);
        checkMtu(mtu, cidrs, origin);
        BridgeSpec bridge = bridges.get(owner);
        if (bridge != null) {
            if (!cidrs.isEmpty()) {
                throw fail(origin, side + " end is plugged into bridge '" + owner + "' and cannot have an address ("
                        + cidrText + "); put the address on the bridge itself (address of @Bridge / bridge(name, cidr))");
            }
            return new ParsedEnd(bridge.namespace(), interfaceName, owner, List.of(), mtu, mac);
        }
        requireNamespace(owner, side + " end '" + end + "' names", origin);
        return new ParsedEnd(owner, interfaceName, null, cidrs, mtu, mac);
    }

    /** Comma-separated CIDRs of one interface (null or blank: none), each a host address ({@link InterfaceAddress}). */
    private static List<Cidr> parseInterfaceCidrs(String text, String what, String origin) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<Cidr> cidrs = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            Cidr cidr = parseCidr(part.strip(), what, origin);
            String problem = InterfaceAddress.problem(cidr);
            if (problem != null) {
                throw fail(origin, what + " " + cidr + " " + problem);
            }
            cidrs.add(cidr);
        }
        return cidrs;
    }

    /** Records addresses of one interface; the same address twice, or two interfaces on overlapping networks, fail. */
    private void placeAddresses(String namespace, String interfaceName, List<Cidr> cidrs, String origin) {
        List<AddressPlacement> here = placements.computeIfAbsent(namespace, key -> new ArrayList<>());
        for (Cidr cidr : cidrs) {
            String earlier = addressOrigins.putIfAbsent(cidr.address(), origin);
            String place = namespace + ":" + interfaceName;
            String earlierPlace = addressPlaces.putIfAbsent(cidr.address(), place);
            if (earlier != null && earlier.equals(origin)) {
                throw fail(origin, "address " + cidr.address() + " is declared twice in this topology, by this one "
                        + "declaration: on " + earlierPlace + " and on " + place);
            }
            if (earlier != null) {
                throw fail(origin, "address " + cidr.address() + " is declared twice in this topology (first by " + earlier
                        + ", on " + earlierPlace + ")");
            }
            for (AddressPlacement placed : here) {
                if (!placed.interfaceName().equals(interfaceName) && placed.cidr().overlaps(cidr)) {
                    throw fail(origin, cidr + " on " + namespace + ":" + interfaceName + " overlaps " + placed.cidr() + " on "
                            + namespace + ":" + placed.interfaceName() + " (declared by " + placed.origin() + "); two "
                            + "interfaces of one namespace on one network make its routing ambiguous");
                }
            }
            here.add(new AddressPlacement(interfaceName, cidr, origin));
        }
    }

    private static String checkMac(String text, String what, String origin) {
        if (!text.matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")) {
            throw fail(origin, what + " '" + Printable.of(text) + "' is not a MAC address like 02:00:00:00:00:01");
        }
        int first = Integer.parseInt(text.substring(0, 2), 16);
        if ((first & 1) != 0) {
            throw fail(origin, what + " " + text + " is a multicast MAC address (the lowest bit of its first byte is set); "
                    + "use a unicast one, e.g. 02:00:00:00:00:01");
        }
        if (text.equals("00:00:00:00:00:00")) {
            throw fail(origin, what + " 00:00:00:00:00:00 is not a usable MAC address");
        }
        return text.toLowerCase(Locale.ROOT);
    }

    private static void checkMtu(int mtu, List<Cidr> cidrs, String origin) {
        if (mtu == 0) {
            return;
        }
        if (mtu < 68 || mtu > 65535) {
            throw fail(origin, "MTU " + mtu + " is out of range 68..65535");
        }
        if (mtu < 1280 && cidrs.stream().anyMatch(cidr -> !cidr.isIpv4())) {
            throw fail(origin, "MTU " + mtu + " is below 1280, the least IPv6 needs, on an end with an IPv6 address");
        }
    }

    private RouteSpec route(RouteDeclaration route, TopologyModel declared) {
        String origin = route.origin();
        requireNamespace(route.in(), "the route is in", origin);
        if (route.destination() == null || route.destination().isBlank()) {
            throw fail(origin, "destination is missing: write a CIDR such as 192.168.1.0/24, or default");
        }
        if (route.gateway() == null || route.gateway().isBlank()) {
            throw fail(origin, "gateway (via) is missing: write the address of the next hop, e.g. 192.168.15.5");
        }
        IpAddress gateway = parse(() -> IpAddress.parse(route.gateway()), "gateway", origin);
        Cidr destination = "default".equals(route.destination())
                ? (gateway.isIpv4() ? Cidr.DEFAULT : Cidr.DEFAULT6)
                : parse(() -> Cidr.parse(route.destination()), "destination", origin);
        if (destination.isIpv4() != gateway.isIpv4()) {
            throw fail(origin, "destination " + destination + " is " + destination.address().family() + " but gateway "
                    + gateway + " is " + gateway.family() + "; a route and its next hop are of one family");
        }
        if (!destination.address().equals(destination.network())) {
            throw fail(origin, "destination " + destination + " has host bits set; did you mean " + destination.network()
                    + "/" + destination.prefixLength() + "?");
        }
        List<Cidr> networks = declared.addressesOf(route.in());
        boolean onLink = networks.stream().anyMatch(network -> network.contains(gateway) && !network.address().equals(gateway));
        if (!onLink) {
            throw fail(origin, "gateway " + gateway + " is not on any network of namespace '" + route.in()
                    + "' (its addresses: " + (networks.isEmpty() ? "none" : networks) + "); the next hop must be a neighbour");
        }
        for (Cidr network : networks) {
            if (gateway.isIpv4() && network.contains(gateway) && network.prefixLength() <= 30
                    && gateway.equals(network.network())) {
                throw fail(origin, "gateway " + gateway + " is the network address of " + network.network() + "/"
                        + network.prefixLength() + ", not a host on it");
            }
            if (!destination.isDefault() && network.prefixLength() == destination.prefixLength()
                    && network.network().equals(destination.network())) {
                throw fail(origin, "namespace '" + route.in() + "' is connected to " + destination + " already (address "
                        + network + "); the kernel routes it directly, drop this route");
            }
        }
        return new RouteSpec(route.in(), destination, gateway, origin);
    }

    private NatSpec nat(NatDeclaration nat) {
        requireNamespace(nat.in(), "the NAT is in", nat.origin());
        if (nat.source() == null || nat.source().isBlank()) {
            throw fail(nat.origin(), "source is missing: write the CIDR of the traffic to masquerade, e.g. 192.168.15.0/24");
        }
        Cidr source = parseCidr(nat.source(), "source", nat.origin());
        if (!source.isIpv4()) {
            throw fail(nat.origin(), "source " + source + " is IPv6; masquerade (NAT) is for IPv4 only: give IPv6 "
                    + "hosts routes instead");
        }
        String out = nat.out() == null || nat.out().isBlank() ? null : nat.out();
        if (out != null && !interfaceNames.getOrDefault(nat.in(), Set.of()).contains(out)) {
            throw fail(nat.origin(), "out interface '" + out + "' is not an interface of namespace '" + nat.in()
                    + "' (it has: " + new TreeSet<>(interfaceNames.getOrDefault(nat.in(), Set.of())) + ")");
        }
        return new NatSpec(nat.in(), new Cidr(source.network(), source.prefixLength()), out, nat.origin());
    }

    private PortForwardSpec portForward(PortForwardDeclaration forward) {
        String origin = forward.origin();
        requireNamespace(forward.in(), "the port forward is in", origin);
        checkPort(forward.port(), "port", origin);
        String protocol = forward.protocol() == null ? "tcp" : forward.protocol().toLowerCase(Locale.ROOT);
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw fail(origin, "protocol '" + forward.protocol() + "' is not supported (use tcp or udp)");
        }
        String destination = forward.destination();
        int colon = destination == null ? -1 : destination.lastIndexOf(':');
        if (colon < 0) {
            throw fail(origin, "destination '" + Printable.of(destination) + "' is not address:port (e.g. 192.168.15.2:80 "
                    + "or [fd00::2]:80)");
        }
        String addressText = destination.substring(0, colon);
        if (addressText.startsWith("[") && addressText.endsWith("]")) {
            addressText = addressText.substring(1, addressText.length() - 1);
        } else if (addressText.indexOf(':') >= 0) {
            throw fail(origin, "destination '" + destination + "': write an IPv6 address in brackets, e.g. [fd00::2]:80");
        }
        String finalAddress = addressText;
        IpAddress to = parse(() -> IpAddress.parse(finalAddress), "destination address", origin);
        String portText = destination.substring(colon + 1);
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw fail(origin, "destination '" + destination + "' has no valid port after the colon");
        }
        int toPort = Integer.parseInt(portText);
        checkPort(toPort, "destination port", origin);
        return new PortForwardSpec(forward.in(), forward.port(), to, toPort, protocol, origin);
    }

    private TopologyModel.ImpairSpec impair(Declaration.ImpairDeclaration impair, List<TopologyModel.ImpairSpec> earlier) {
        String origin = impair.origin();
        String end = impair.end();
        int colon = end == null ? -1 : end.indexOf(':');
        if (colon < 0) {
            throw fail(origin, "link '" + end + "' must name namespace and interface, e.g. red:eth0");
        }
        String namespace = end.substring(0, colon);
        String interfaceName = end.substring(colon + 1);
        requireNamespace(namespace, "the impaired link is in", origin);
        Set<String> names = interfaceNames.getOrDefault(namespace, Set.of());
        if (!names.contains(interfaceName) || bridges.containsKey(interfaceName)) {
            throw fail(origin, "namespace '" + namespace + "' has no cable end '" + interfaceName + "' (its cable ends: "
                    + new TreeSet<>(names.stream().filter(name -> !bridges.containsKey(name)).toList()) + ")");
        }
        if (impair.impairment() == null) {
            throw fail(origin, "the impairment is null");
        }
        for (TopologyModel.ImpairSpec other : earlier) {
            if (other.namespace().equals(namespace) && other.interfaceName().equals(interfaceName)) {
                throw fail(origin, "link " + end + " is impaired twice (first by " + other.origin() + ")");
            }
        }
        return new TopologyModel.ImpairSpec(namespace, interfaceName, impair.impairment(), origin);
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
        if (name.startsWith("-")) {
            // tools (ip, tcpdump, ethtool) would read it as an option
            throw fail(origin, what + " '" + name + "' may not start with '-'");
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

    private static <T> T parse(Supplier<T> parser, String what, String origin) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw fail(origin, what + " " + e.getMessage());
        }
    }

    /** A one-line message: control characters from the user's text are shown escaped, never raw. */
    private static NetnsException fail(String origin, String reason) {
        return new NetnsException(Printable.of(origin + ": " + reason));
    }

    private record ParsedEnd(String namespace, String interfaceName, String bridge, List<Cidr> cidrs, int mtu, String mac) {

        EndSpec toSpec(String name) {
            return new EndSpec(namespace, name, bridge, cidrs, mtu, mac);
        }
    }
}
