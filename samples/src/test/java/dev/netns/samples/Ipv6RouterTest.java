package dev.netns.samples;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.NetNs;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.PortForward;
import dev.netns.junit.Route;
import dev.netns.junit.VethPair;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Feature sample: two IPv6 networks joined by a router, a dual-stack cable, and a port forward to an IPv6 server. */
@NetnsTest
@Namespace("client")
@Namespace(value = "router", forwarding = true)
@Namespace("server")
@VethPair(left = "client", leftAddress = "192.168.50.1/24, fd00:50::1/64",
          right = "router", rightAddress = "192.168.50.254/24, fd00:50::fe/64")
@VethPair(left = "router", leftAddress = "fd00:60::fe/64", right = "server", rightAddress = "fd00:60::1/64")
@Route(in = "client", to = "default", via = "fd00:50::fe")
@Route(in = "server", to = "default", via = "fd00:60::fe")
@PortForward(in = "router", port = 8080, to = "[fd00:60::1]:80")
class Ipv6RouterTest {

    @Test
    void theClientReachesTheServerAcrossTheRouter(@Namespace("client") NetNs client, @Namespace("server") NetNs server)
            throws Exception {
        assertThat(server.address6()).isEqualTo("fd00:60::1");
        assertThat(client).canPing("server").canPing("fd00:60::1").hasRoute("default", "fd00:50::fe");

        try (ServerSocket web = server.call(() -> new ServerSocket(80, 50, InetAddress.getByName("::")))) {
            assertThat(client).canConnect("server", 80)
                    .canConnect("fd00:50::fe", 8080);   // through the router's port forward
        }
    }

    @Test
    void programsResolveIpv6Names(@Namespace("client") NetNs client) {
        assertThat(client.exec("getent", "hosts", "server").stdout()).startsWith("fd00:60::1");
    }
}
