package dev.netns.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netns.NetnsException;
import dev.netns.internal.model.Declaration.BridgeDeclaration;
import dev.netns.internal.model.Declaration.NamespaceDeclaration;
import dev.netns.internal.model.Declaration.NatDeclaration;
import dev.netns.internal.model.Declaration.PortForwardDeclaration;
import dev.netns.internal.model.Declaration.RouteDeclaration;
import dev.netns.internal.model.Declaration.VethDeclaration;
import dev.netns.internal.model.Declaration;
import dev.netns.internal.model.TopologyModel;
import dev.netns.internal.model.TopologyValidator;
import dev.netns.internal.system.Errno;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Deployment order and rollback, over a recording stand-in for the kernel: no root, no kernel. */
class TopologyDeploymentTest {

    /** client - router - server, a default route, a masquerade and a port forward on the router. */
    private static TopologyModel routed() {
        List<Declaration> declarations = new ArrayList<>(List.of(
                new NamespaceDeclaration("client", false, "ns client"),
                new NamespaceDeclaration("router", true, "ns router"),
                new NamespaceDeclaration("server", false, "ns server"),
                new VethDeclaration("client", "10.0.1.2/24", "router", "10.0.1.1/24", "cable1"),
                new VethDeclaration("router:eth1", "10.0.2.1/24", "server", "10.0.2.2/24", "cable2"),
                new RouteDeclaration("client", "default", "10.0.1.1", "route1"),
                new RouteDeclaration("router", "10.0.3.0/24", "10.0.2.2", "route2"),
                new NatDeclaration("router", "10.0.1.0/24", "eth1", "nat1"),
                new PortForwardDeclaration("router", 8080, "10.0.2.2:80", "tcp", "forward1")));
        return TopologyValidator.validate(declarations);
    }

    private static Map<String, RecordingKernel> deploy(TopologyModel model, RecordingKernel.Factory factory) {
        return TopologyDeployment.deploy(model, factory, name -> name);
    }

    @Test
    void planMakesNatAndBridgesThenCablesThenFarEndsAndRoutes() {
        assertThat(DeploymentPlan.of(routed()).toString()).isEqualTo("""
                bridges and NAT:
                  router: apply the NAT ruleset of namespace 'router'
                cables:
                  client: create veth cable client:eth0 - router:eth0
                  router: create veth cable router:eth1 - server:eth0
                far ends and routes:
                  router: configure end router:eth0
                  server: configure end server:eth0
                  client: add route
                  router: add route""");
    }

    @Test
    void everyNamespaceIsCreatedBeforeAnyStepAndEachWorksThroughItsStepsInOrder() {
        RecordingKernel.Factory factory = new RecordingKernel.Factory();
        Map<String, RecordingKernel> namespaces = deploy(routed(), factory);

        assertThat(namespaces).containsOnlyKeys("client", "router", "server");
        assertThat(factory.journal.subList(0, 6)).containsExactly("client: created", "router: created (forwarding)",
                "server: created", "client: await", "router: await", "server: await");
        assertThat(factory.callsOf("router")).containsSubsequence(
                "nat 1 masquerade(s), 1 forward(s)",
                "veth eth1 peer eth0 in server", "address eth1 10.0.2.1/24", "up eth1",
                "address eth0 10.0.1.1/24", "up eth0",
                "route 10.0.3.0/24 via 10.0.2.2");
        assertThat(factory.callsOf("router")).contains("sysctl net/ipv4/conf/all/route_localnet=1");
        assertThat(factory.callsOf("client")).containsSubsequence("veth eth0 peer eth0 in router",
                "address eth0 10.0.1.2/24", "up eth0", "route 0.0.0.0/0 via 10.0.1.1");
        // a route's gateway is reachable only once the far end is up
        assertThat(factory.journal.indexOf("client: route 0.0.0.0/0 via 10.0.1.1"))
                .isGreaterThan(factory.journal.indexOf("router: up eth0"));
        assertThat(factory.made).noneMatch(RecordingKernel::isClosed);
    }

    @Test
    void aRefusedRouteRollsBackEveryNamespaceAndNamesTheRoute() {
        RecordingKernel.Factory factory = new RecordingKernel.Factory().failing("client: route 0.0.0.0/0 via 10.0.1.1",
                () -> RecordingKernel.refusal("add route 0.0.0.0/0 via 10.0.1.1", Errno.ENETUNREACH));

        assertThatThrownBy(() -> deploy(routed(), factory))
                .isInstanceOf(NetnsException.class)
                .hasMessageStartingWith("route1: add route failed: add route 0.0.0.0/0 via 10.0.1.1: ")
                .hasMessageContaining("Network is unreachable");
        assertThat(factory.made).hasSize(3).allMatch(RecordingKernel::isClosed);
        // closed in reverse order of creation
        assertThat(factory.journal.subList(factory.journal.size() - 3, factory.journal.size()))
                .containsExactly("server: closed", "router: closed", "client: closed");
    }

    @Test
    void aFailedNamespaceCreationClosesTheOnesAlreadyTakenAndRunsNoStep() {
        RecordingKernel.Factory factory = new RecordingKernel.Factory().failing("router: await",
                () -> RecordingKernel.refusal("unshare", 12));

        assertThatThrownBy(() -> deploy(routed(), factory))
                .isInstanceOf(NetnsException.class)
                .hasMessageStartingWith("ns router: create namespace failed: unshare: ");
        assertThat(factory.made).allMatch(RecordingKernel::isClosed);
        assertThat(factory.journal).noneMatch(entry -> entry.contains("veth") || entry.contains("nat"));
    }

    @Test
    void anErrorRollsBackToo() {
        RecordingKernel.Factory factory = new RecordingKernel.Factory().failing("server: address eth0 10.0.2.2/24",
                () -> new OutOfMemoryError("unable to create native thread"));

        assertThatThrownBy(() -> deploy(routed(), factory)).isInstanceOf(OutOfMemoryError.class);
        assertThat(factory.made).hasSize(3).allMatch(RecordingKernel::isClosed);
    }

    @Test
    void whenSeveralStepsOfAPhaseFailTheOneDeclaredFirstIsReported() {
        // the router's steps run before the server's, but the server's failing step was declared first
        RecordingKernel.Factory factory = new RecordingKernel.Factory()
                .failing("router: route 10.0.3.0/24 via 10.0.2.2", () -> RecordingKernel.refusal("add route", Errno.EEXIST))
                .failing("server: address eth0 10.0.2.2/24", () -> RecordingKernel.refusal("add address", Errno.EEXIST));

        assertThatThrownBy(() -> deploy(routed(), factory))
                .hasMessageStartingWith("cable2: configure end server:eth0 failed: add address: File exists");
    }

    @Test
    void aRefusedNatRulesetNamesEveryNatDeclarationOfItsNamespace() {
        RecordingKernel.Factory factory = new RecordingKernel.Factory().failing("router: nat 1 masquerade(s), 1 forward(s)",
                () -> RecordingKernel.refusal("apply the nftables NAT ruleset", Errno.EOPNOTSUPP));

        assertThatThrownBy(() -> deploy(routed(), factory))
                .hasMessageStartingWith("nat1 / forward1: apply the NAT ruleset of namespace 'router' failed: ");
        assertThat(factory.made).allMatch(RecordingKernel::isClosed);
    }

    @Test
    void bridgeNetfilterWithoutItsModuleNamesTheBridge() {
        TopologyModel model = TopologyValidator.validate(List.of(
                new NamespaceDeclaration("switch", false, "ns switch"),
                new BridgeDeclaration("br0", null, "switch", true, false, "bridge br0")));

        assertThatThrownBy(() -> deploy(model, new RecordingKernel.Factory()))
                .hasMessageContaining("bridge br0: netfilter on bridged traffic was asked for, but the br_netfilter");

        RecordingKernel.Factory withModule = new RecordingKernel.Factory().withSysctl("net/bridge/bridge-nf-call-iptables");
        deploy(model, withModule);
        assertThat(withModule.callsOf("switch")).containsSubsequence("bridge br0", "up br0",
                "sysctl net/bridge/bridge-nf-call-iptables=1", "sysctl net/bridge/bridge-nf-call-ip6tables=1");
    }
}
