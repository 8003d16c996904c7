package dev.netns.internal.deploy;

import dev.netns.NetnsException;
import dev.netns.internal.model.Cidr;
import dev.netns.internal.model.NamespaceSysctls;
import dev.netns.internal.model.SpanningTree;
import dev.netns.internal.model.TopologyModel.BridgeSpec;
import dev.netns.internal.model.TopologyModel.EndSpec;
import dev.netns.internal.model.TopologyModel.NamespaceSpec;
import dev.netns.internal.model.TopologyModel.NatSpec;
import dev.netns.internal.model.TopologyModel.PortForwardSpec;
import dev.netns.internal.model.TopologyModel.RouteSpec;
import dev.netns.internal.model.TopologyModel.VethSpec;
import dev.netns.internal.model.TopologyModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The order in which a topology is made, as phases of {@link KernelStep}s. Within a phase each
 * namespace works through its own steps in order, side by side with the other namespaces; a
 * phase starts when the one before it has finished everywhere. Pure: reads only the model.
 *
 * <ol>
 *   <li><b>bridges and NAT</b>: each namespace's NAT rules, then its bridges (addresses, up);
 *   <li><b>cables</b>: each veth cable, made from its left namespace, which also configures its
 *       left end (bridge port, MTU/MAC, addresses, up);
 *   <li><b>far ends and routes</b>: each cable's right end, then the routes, whose gateways are
 *       reachable only once both ends are up.
 * </ol>
 */
public final class DeploymentPlan {

    /** One phase: its name and its steps in declaration order. */
    public record Phase(String name, List<KernelStep> steps) {
    }

    private static final String BRIDGE_NETFILTER = NamespaceSysctls.BRIDGE_NETFILTER;

    private final List<Phase> phases;

    private DeploymentPlan(List<Phase> phases) {
        this.phases = List.copyOf(phases);
    }

    /** The phases, in the order they run. */
    public List<Phase> phases() {
        return phases;
    }

    /** Plans the making of {@code model} (already validated). */
    public static DeploymentPlan of(TopologyModel model) {
        Builder plan = new Builder();
        Set<EndSpec> loopPorts = Set.copyOf(SpanningTree.portsToBlock(model));

        List<KernelStep> bridgesAndNat = new ArrayList<>();
        for (NamespaceSpec namespace : model.namespaces()) {
            natStep(model, namespace.name(), plan).ifPresent(bridgesAndNat::add);
        }
        for (BridgeSpec bridge : model.bridges()) {
            bridgesAndNat.add(plan.step(bridge.namespace(), bridge.origin(), "create bridge " + bridge.name(),
                    (self, all) -> createBridge(self, bridge, NamespaceSysctls.forBridges(model, bridge.namespace()))));
        }

        List<KernelStep> cables = new ArrayList<>();
        List<KernelStep> farEndsAndRoutes = new ArrayList<>();
        for (VethSpec veth : model.veths()) {
            EndSpec left = veth.left();
            EndSpec right = veth.right();
            cables.add(plan.step(left.namespace(), veth.origin(), "create veth cable " + describe(left) + " - " + describe(right),
                    (self, all) -> {
                        self.createVeth(left.interfaceName(), right.interfaceName(), all.apply(right.namespace()));
                        configureEnd(self, left, loopPorts);
                    }));
        }
        for (VethSpec veth : model.veths()) {
            EndSpec right = veth.right();
            farEndsAndRoutes.add(plan.step(right.namespace(), veth.origin(), "configure end " + describe(right),
                    (self, all) -> configureEnd(self, right, loopPorts)));
        }
        for (RouteSpec route : model.routes()) {
            // the kernel's refusal names destination and gateway
            farEndsAndRoutes.add(plan.step(route.namespace(), route.origin(), "add route",
                    (self, all) -> self.addRoute(route.destination(), route.gateway())));
        }
        return new DeploymentPlan(List.of(new Phase("bridges and NAT", bridgesAndNat), new Phase("cables", cables),
                new Phase("far ends and routes", farEndsAndRoutes)));
    }

    private static Optional<KernelStep> natStep(TopologyModel model, String namespace, Builder plan) {
        List<NatSpec> nats = model.nats().stream().filter(nat -> nat.namespace().equals(namespace)).toList();
        List<PortForwardSpec> forwards = model.portForwards().stream()
                .filter(forward -> forward.namespace().equals(namespace)).toList();
        if (nats.isEmpty() && forwards.isEmpty()) {
            return Optional.empty();
        }
        // the kernel does not say which rule of a batch it refused: the step names every NAT declaration
        List<String> origins = new ArrayList<>();
        nats.forEach(nat -> origins.add(nat.origin()));
        forwards.forEach(forward -> origins.add(forward.origin()));
        return Optional.of(plan.step(namespace, String.join(" / ", origins),
                "apply the NAT ruleset of namespace '" + namespace + "'", (self, all) -> {
                    // route_localnet: lets connections to 127.0.0.1 be forwarded out (their source is masqueraded)
                    NamespaceSysctls.forNat(model, namespace).forEach(setting -> self.setSysctl(setting.key(), setting.value()));
                    self.applyNat(nats, forwards);
                }));
    }

    private static void createBridge(NamespaceKernel self, BridgeSpec bridge, List<NamespaceSysctls.Setting> sysctls) {
        self.createBridge(bridge.name());
        for (Cidr cidr : bridge.cidrs()) {
            self.addAddress(bridge.name(), cidr);
        }
        self.setUp(bridge.name(), true);
        if (self.hasSysctl(BRIDGE_NETFILTER)) {
            sysctls.forEach(setting -> self.setSysctl(setting.key(), setting.value()));
        } else if (bridge.netfilter()) {
            throw new NetnsException(bridge.origin() + ": netfilter on bridged traffic was asked for, but the "
                    + "br_netfilter kernel module is not loaded (modprobe br_netfilter)");
        }
    }

    private static void configureEnd(NamespaceKernel self, EndSpec end, Set<EndSpec> loopPorts) {
        if (end.isBridgePort()) {
            self.setMaster(end.interfaceName(), end.bridge());
        }
        if (end.mtu() != 0 || end.mac() != null) {
            self.setMtuAndMac(end.interfaceName(), end.mtu(), end.mac());
        }
        for (Cidr cidr : end.cidrs()) {
            self.addAddress(end.interfaceName(), cidr);
        }
        // a port that would close a loop of stp bridges is never brought up: no storm, not even for a moment
        if (!loopPorts.contains(end)) {
            self.setUp(end.interfaceName(), true);
        }
    }

    private static String describe(EndSpec end) {
        return end.namespace() + ":" + end.interfaceName();
    }

    /** The plan as text, one step per line under its phase: what a reader (or a test) checks the order by. */
    @Override
    public String toString() {
        return phases.stream()
                .map(phase -> phase.name() + ":\n" + phase.steps().stream().map(step -> "  " + step)
                        .collect(Collectors.joining("\n")))
                .collect(Collectors.joining("\n"));
    }

    /** Numbers the steps in the order they are declared. */
    private static final class Builder {

        private int order;

        KernelStep step(String namespace, String origin, String action, KernelStep.Work work) {
            return new KernelStep(order++, namespace, origin, action, work);
        }
    }
}
