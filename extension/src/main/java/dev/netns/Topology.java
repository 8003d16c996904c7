package dev.netns;

import dev.netns.internal.model.Declaration.BridgeDeclaration;
import dev.netns.internal.model.Declaration.NamespaceDeclaration;
import dev.netns.internal.model.Declaration.NatDeclaration;
import dev.netns.internal.model.Declaration.PortForwardDeclaration;
import dev.netns.internal.model.Declaration.RouteDeclaration;
import dev.netns.internal.model.Declaration.VethDeclaration;
import dev.netns.internal.model.Declaration;
import dev.netns.internal.model.TopologyModel;
import dev.netns.internal.model.TopologyValidator;
import dev.netns.internal.topology.NamespaceHandle;
import dev.netns.internal.topology.RunningTopology;
import dev.netns.internal.topology.TopologyPictures;
import dev.netns.junit.Bridge;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running set of network namespaces joined by veth cables and bridges, with routes and NAT.
 * Made by {@link #builder()}; {@link #close()} tears it all down.
 *
 * <pre>{@code
 * try (Topology net = Topology.builder()
 *         .namespace("red")
 *         .namespace("blue")
 *         .veth("red", "192.168.15.1/24", "blue", "192.168.15.2/24")
 *         .start()) {
 *     assertThat(net.namespace("red").ping("192.168.15.2").reachable()).isTrue();
 * }
 * }</pre>
 *
 * <p>Nothing on the machine's own network is touched: every namespace, including {@code host},
 * is private to the topology, and the namespaces are held by this JVM only, so the kernel frees
 * them even if the JVM is killed.
 */
public final class Topology implements AutoCloseable {

    private final RunningTopology deployment;
    private final List<FaultRun> faultRuns = new CopyOnWriteArrayList<>();

    private Topology(RunningTopology deployment) {
        this.deployment = deployment;
    }

    /** Starts a new declaration. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The namespace declared as {@code name} (including {@code host} when it exists).
     *
     * @throws NetnsException when there is no such namespace
     */
    public NetNs namespace(String name) {
        NamespaceHandle handle = deployment.namespaces().get(name);
        if (handle == null) {
            throw new NetnsException("no namespace '" + name + "' in this topology (it has: "
                    + String.join(", ", deployment.namespaces().keySet()) + ")");
        }
        return handle;
    }

    /** All namespaces, in declaration order; {@code host}, when made because something refers to it, last. */
    public List<NetNs> namespaces() {
        return List.copyOf(deployment.namespaces().values());
    }

    /**
     * Leaves the topology on the machine for inspection by hand instead of tearing it down: each
     * namespace is named in {@code /run/netns} ({@code ip netns list} shows it) and outlives this
     * JVM; programs running inside are killed. Remove it with {@code ip netns del NAME}.
     *
     * <pre>{@code
     * Map<String, String> names = net.keep();   // {red=netns-junit-4242-7-red, ...}
     * // shell: ip netns exec netns-junit-4242-7-red ip route
     * }</pre>
     *
     * @return logical name to the name {@code ip netns} knows it by; empty if already closed
     */
    public Map<String, String> keep() {
        return deployment.keep();
    }

    /**
     * Drops all traffic between namespaces {@code a} and {@code b}, both ways, also when they share
     * a bridge, until {@link #heal(String, String)}. Traffic of other namespaces, and traffic that
     * {@code a} or {@code b} forwards for others, is untouched.
     *
     * <pre>{@code
     * net.partition("red", "blue");
     * assertThat(red).cannotPing("blue");
     * net.heal("red", "blue");
     * }</pre>
     *
     * @throws NetnsException when either name is not a namespace of this topology
     */
    public void partition(String a, String b) {
        deployment.partition(a, b, false);
    }

    /** Lets traffic between {@code a} and {@code b} pass again; a no-op when they are not partitioned. */
    public void heal(String a, String b) {
        deployment.partition(a, b, true);
    }

    /**
     * Impairs only what namespace {@code from} sends to namespace {@code to} (to its addresses),
     * whatever cable, bridge or router it crosses: every interface {@code from}'s packets may
     * leave by is shaped for that pair alone. Other pairs, the way back ({@code to} to
     * {@code from}) and what {@code from} forwards for others are untouched. On an interface that
     * also has an impairment of its own ({@link Link#impair}), the pair's impairment applies to
     * the pair's packets instead. Calling it again replaces the pair's impairment in place.
     *
     * <pre>{@code
     * net.impair("a", "b", Impairment.builder().delay(Duration.ofMillis(100)).build());
     * // a -> b delayed; a -> c and b -> a not
     * net.clearImpairment("a", "b");
     * }</pre>
     *
     * @throws NetnsException when a name is not a namespace of this topology, or one has no address
     */
    public void impair(String from, String to, Impairment impairment) {
        if (impairment == null) {
            throw new NetnsException("impair(\"" + from + "\", \"" + to + "\", null): the impairment is null");
        }
        deployment.impairPair(from, to, impairment);
    }

    /** Removes the impairment of what {@code from} sends to {@code to}; a no-op when there is none. */
    public void clearImpairment(String from, String to) {
        deployment.impairPair(from, to, null);
    }

    /**
     * Applies a partition: silent drops, or refusals when it is {@link Partition#rejecting()}.
     * Several partitions may hold at once (a pair is cut when any of them cuts it); namespaces a
     * partition does not name are untouched, also on a shared bridge. Applying an equal partition
     * again changes nothing.
     *
     * <pre>{@code
     * net.partition(Partition.isolate("n1"));
     * assertThat(n2).within(Duration.ofSeconds(2)).cannotPing("n1");
     * net.heal();
     * }</pre>
     *
     * @throws NetnsException when the partition names a namespace this topology does not have
     */
    public void partition(Partition partition) {
        if (partition == null) {
            throw new NetnsException("partition(null): give a Partition, e.g. Partition.isolate(\"n1\")");
        }
        deployment.partition(partition);
    }

    /** Removes {@code partition} if it holds; other partitions, and those of {@link #partition(String, String)}, stay. */
    public void heal(Partition partition) {
        if (partition == null) {
            throw new NetnsException("heal(null): give the Partition to remove, or call heal() to remove all");
        }
        deployment.heal(partition);
    }

    /** Removes every partition: those of {@link #partition(Partition)} and of {@link #partition(String, String)}. */
    public void heal() {
        deployment.healAll();
    }

    /**
     * Breaks every established TCP connection between namespaces {@code a} and {@code b} now:
     * both ends see a reset at their next read or write. New connections work at once (unless a
     * partition cuts them).
     *
     * <pre>{@code
     * net.resetConnections("client", "server");   // the client's pooled connection: "Connection reset"
     * }</pre>
     *
     * @throws NetnsException when either name is not a namespace of this topology, or the kernel refuses
     */
    public void resetConnections(String a, String b) {
        deployment.resetConnections(a, b);
    }

    /**
     * The topology as a Mermaid {@code graph}, which GitHub and many IDEs render: namespaces,
     * bridges, cables with interface names and addresses, routes, NAT and port forwards.
     */
    public String diagram() {
        return TopologyPictures.diagram(deployment.model());
    }

    /**
     * The same topology as a shell script of {@code ip} and {@code nft} commands, as the classic
     * tutorials write them: {@code sh script.sh up} builds it with named namespaces,
     * {@code sh script.sh down} removes them; {@code PREFIX=x- sh script.sh up} prefixes the names.
     */
    public String script() {
        return TopologyPictures.script(deployment.model());
    }

    /**
     * Starts {@code schedule} in the background: its first fault now, then every interval a heal
     * and the next fault. Close the run to stop it and heal its last fault; teardown does it too.
     *
     * <pre>{@code
     * try (FaultRun faults = net.startFaults(FaultSchedule.builder().seed(42).every(Duration.ofSeconds(2))
     *         .faults(Fault.isolateOne("n1", "n2", "n3")).build())) {
     *     runWorkload();
     * }
     * }</pre>
     */
    public FaultRun startFaults(FaultSchedule schedule) {
        if (schedule == null) {
            throw new NetnsException("startFaults(null): build a schedule with FaultSchedule.builder()");
        }
        deployment.requireRunning("startFaults(" + schedule + ")");
        FaultRun run = new FaultRun(this, schedule);
        faultRuns.add(run);
        return run;
    }

    /** The fault schedules started on this topology, running or closed, in the order they were started. */
    public List<FaultRun> faultRuns() {
        return List.copyOf(faultRuns);
    }

    /**
     * Tears everything down: stops fault schedules and heals their faults, kills programs still
     * running inside, releases every namespace. Idempotent.
     */
    @Override
    public void close() {
        for (FaultRun run : faultRuns) {
            try {
                run.close();
            } catch (RuntimeException e) {
                System.getLogger(Topology.class.getName()).log(System.Logger.Level.WARNING,
                        "closing a fault schedule at teardown: " + e.getMessage());
            }
        }
        deployment.close();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Topology[");
        for (Map.Entry<String, NamespaceHandle> entry : deployment.namespaces().entrySet()) {
            text.append(entry.getKey()).append(' ');
        }
        return text.toString().strip() + "]";
    }

    /**
     * Collects declarations; {@link #start()} validates them all and then creates them.
     * Each method maps onto one annotation of {@code dev.netns.junit}.
     */
    public static final class Builder {

        private final List<Declaration> declarations = new ArrayList<>();
        private String origin;

        private Builder() {
        }

        /**
         * Names the source of the declarations that follow, for error messages (the JUnit
         * extension passes the annotation and the class or method carrying it). Without it an
         * error names the builder call itself. {@code null} returns to that default.
         */
        public Builder origin(String origin) {
            this.origin = origin;
            return this;
        }

        /** Declares a namespace that does not forward IPv4. */
        public Builder namespace(String name) {
            return namespace(name, false);
        }

        /** Declares a namespace; {@code forwarding} turns IPv4 forwarding on (a router). */
        public Builder namespace(String name, boolean forwarding) {
            return add(new NamespaceDeclaration(name, forwarding,
                    originOr("namespace(" + quote(name) + (forwarding ? ", true" : "") + ")")));
        }

        /**
         * Declares a veth cable between two ends, both up. An end is a namespace ({@code "red"},
         * interface {@code eth0}, {@code eth1}, … in order), {@code "red:veth-red"} (that interface
         * name), a bridge name (the end becomes a port of it, {@code veth0}, …) or
         * {@code "bridge:name"}. A null CIDR means no address.
         */
        public Builder veth(String leftEnd, String leftCidr, String rightEnd, String rightCidr) {
            return veth(leftEnd, leftCidr, rightEnd, rightCidr, 0, null, null);
        }

        /**
         * Declares a veth cable with an MTU for both ends ({@code 0}: the kernel's 1500) and MAC
         * addresses ({@code null}: the kernel picks). CIDRs may be IPv4 or IPv6, several separated
         * by commas ({@code "10.0.0.1/24, fd00::1/64"}).
         */
        public Builder veth(String leftEnd, String leftCidr, String rightEnd, String rightCidr, int mtu, String leftMac,
                String rightMac) {
            String extra = (mtu == 0 ? "" : ", mtu " + mtu) + (leftMac == null ? "" : ", left MAC " + quote(leftMac))
                    + (rightMac == null ? "" : ", right MAC " + quote(rightMac));
            return add(new VethDeclaration(leftEnd, leftCidr, rightEnd, rightCidr, mtu, leftMac, rightMac,
                    originOr("veth(" + quote(leftEnd) + ", " + quote(leftCidr) + ", " + quote(rightEnd) + ", "
                            + quote(rightCidr) + extra + ")")));
        }

        /** Declares a bridge in {@code host}; a null CIDR means no address. */
        public Builder bridge(String name, String cidr) {
            return bridge(name, cidr, TopologyModel.HOST);
        }

        /** Declares a bridge in namespace {@code inNamespace}; a null CIDR means no address. */
        public Builder bridge(String name, String cidr, String inNamespace) {
            return bridge(name, cidr, inNamespace, false);
        }

        /**
         * Declares a bridge; {@code netfilter} shows bridged traffic to the netfilter hooks of its
         * namespace (off by default, so NAT rules there see only routed traffic).
         */
        public Builder bridge(String name, String cidr, String inNamespace, boolean netfilter) {
            return bridge(name, cidr, inNamespace, netfilter, false);
        }

        /**
         * Declares a bridge; with {@code stp}, cables between {@code stp} bridges may form loops:
         * a spanning tree is computed at start and the ports that would close a loop are blocked
         * (see {@link Bridge#stp()}).
         */
        public Builder bridge(String name, String cidr, String inNamespace, boolean netfilter, boolean stp) {
            return add(new BridgeDeclaration(name, cidr, inNamespace, netfilter, stp, originOr("bridge(" + quote(name)
                    + ", " + quote(cidr) + ", " + quote(inNamespace) + (netfilter || stp ? ", " + netfilter : "")
                    + (stp ? ", true" : "") + ")")));
        }

        /** Declares a static route in {@code ns}: {@code destination} (CIDR or {@code default}) via {@code gateway}. */
        public Builder route(String ns, String destination, String gateway) {
            return add(new RouteDeclaration(ns, destination, gateway,
                    originOr("route(" + quote(ns) + ", " + quote(destination) + ", " + quote(gateway) + ")")));
        }

        /** Masquerades traffic from {@code sourceCidr} leaving namespace {@code ns}. */
        public Builder nat(String ns, String sourceCidr) {
            return nat(ns, sourceCidr, null);
        }

        /** Masquerades traffic from {@code sourceCidr} leaving namespace {@code ns} through interface {@code out}. */
        public Builder nat(String ns, String sourceCidr, String out) {
            return add(new NatDeclaration(ns, sourceCidr, out,
                    originOr("nat(" + quote(ns) + ", " + quote(sourceCidr) + (out == null ? "" : ", " + quote(out)) + ")")));
        }

        /** TCP DNAT: connections to {@code ns}'s {@code port} go to {@code destination} ({@code address:port}). */
        public Builder portForward(String ns, int port, String destination) {
            return portForward(ns, port, destination, "tcp");
        }

        /** DNAT for {@code protocol} ({@code tcp} or {@code udp}). */
        public Builder portForward(String ns, int port, String destination, String protocol) {
            return add(new PortForwardDeclaration(ns, port, destination, protocol, originOr("portForward(" + quote(ns)
                    + ", " + port + ", " + quote(destination) + ("tcp".equals(protocol) ? "" : ", " + quote(protocol)) + ")")));
        }

        /**
         * Impairs what leaves interface {@code end} ({@code "red:eth0"}) from the start, as
         * {@link Link#impair(Impairment)} would.
         */
        public Builder impair(String end, Impairment impairment) {
            return add(new Declaration.ImpairDeclaration(end, impairment,
                    originOr("impair(" + quote(end) + ", " + impairment + ")")));
        }

        /**
         * Checks every declaration without creating anything.
         *
         * @throws NetnsException naming the declaration at fault and why
         */
        public Builder validate() {
            TopologyValidator.validate(declarations);
            return this;
        }

        /**
         * The declared topology as a Mermaid {@code graph}, without creating anything (what
         * {@link Topology#diagram()} shows once it runs).
         *
         * @throws NetnsException when the declarations are invalid
         */
        public String diagram() {
            return TopologyPictures.diagram(TopologyValidator.validate(declarations));
        }

        /**
         * Validates everything, then creates it.
         *
         * @return the running topology; close it to tear it down
         * @throws NetnsException naming the declaration at fault and the cause; nothing is left behind
         */
        public Topology start() {
            return new Topology(RunningTopology.start(TopologyValidator.validate(declarations)));
        }

        private Builder add(Declaration declaration) {
            declarations.add(declaration);
            return this;
        }

        private String originOr(String call) {
            return origin != null ? origin : call;
        }

        private static String quote(String text) {
            return text == null ? "null" : '"' + text + '"';
        }
    }
}
