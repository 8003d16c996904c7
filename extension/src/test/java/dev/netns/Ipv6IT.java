package dev.netns;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** IPv6 across a router, dual stack, port forwards (IPv6 and 127.0.0.1), MTU and MAC, with real packets. */
class Ipv6IT {

    private static Topology routed() {
        return Topology.builder()
                .namespace("red")
                .namespace("router", true)
                .namespace("blue")
                .veth("red", "10.1.0.1/24, fd00:1::1/64", "router", "10.1.0.254/24, fd00:1::fe/64")
                .veth("router", "fd00:2::fe/64", "blue", "fd00:2::1/64")
                .route("red", "default", "fd00:1::fe")
                .route("blue", "default", "fd00:2::fe")
                .portForward("router", 8080, "[fd00:2::1]:80")
                .start();
    }

    @Test
    void ipv6CrossesARouterAtOnceWithoutWaitingForDuplicateAddressDetection() throws Exception {
        try (Topology net = routed()) {
            NetNs red = net.namespace("red");
            NetNs blue = net.namespace("blue");
            PingResult ping = red.ping("fd00:2::1");
            assertThat(ping.reachable()).as(ping.toString()).isTrue();
            // no address waits for duplicate address detection (it would say "tentative" for a second)
            for (NetNs namespace : net.namespaces()) {
                assertThat(namespace.exec("ip", "-6", "address", "show").stdout()).doesNotContain("tentative");
            }

            assertThat(blue.address6()).isEqualTo("fd00:2::1");
            assertThat(red.address()).isEqualTo("10.1.0.1");
            assertThat(red.address6()).isEqualTo("fd00:1::1");
            assertThat(red).canPing("blue").hasAddress("fd00:1::1/64").hasAddress("10.1.0.1/24")
                    .hasRoute("default", "fd00:1::fe");

            try (ServerSocket server = blue.call(() -> new ServerSocket(80, 50, InetAddress.getByName("::")))) {
                assertThat(red).canConnect("fd00:2::1", 80).canConnect("blue", 80);
                // the router forwards its port 8080 to blue's port 80, over IPv6
                assertThat(red).canConnect("fd00:1::fe", 8080);
            }
            assertThat(red).cannotConnect("fd00:2::1", 81);

            assertThat(red.exec("getent", "hosts", "blue").stdout()).startsWith("fd00:2::1");
            assertThat(red.exec("ping", "-n", "-c", "1", "-W", "2", "blue").succeeded()).isTrue();
            assertThat(blue.neighbours()).anyMatch(entry -> entry.address().equals("fd00:2::fe"));
        }
    }

    @Test
    void aPulledCableKeepsItsIpv6Addresses() {
        try (Topology net = routed()) {
            NetNs red = net.namespace("red");
            red.link("eth0").down();
            assertThat(red).cannotPing("fd00:2::1");
            red.link("eth0").up();
            assertThat(red).within(Duration.ofSeconds(5)).canPing("fd00:2::1");
            assertThat(red).hasAddress("fd00:1::1/64");
        }
    }

    @Test
    void aPortForwardAlsoServesItsOwnNamespaceOnLoopback() throws Exception {
        try (Topology net = Topology.builder()
                .namespace("web")
                .veth("host", "10.2.0.254/24", "web", "10.2.0.2/24")
                .portForward("host", 8080, "10.2.0.2:80")
                .start()) {
            NetNs host = net.namespace("host");
            try (ServerSocket server = net.namespace("web").call(() -> new ServerSocket(80))) {
                assertThat(host).canConnect("127.0.0.1", 8080).canConnect("10.2.0.254", 8080);
                Socket accepted = acceptAfter(host, server);
                assertThat(accepted.getLocalPort()).isEqualTo(80);
                accepted.close();
            }
        }
    }

    private static Socket acceptAfter(NetNs client, ServerSocket server) throws Exception {
        client.call(() -> {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", 8080), 2000);
            return socket;
        });
        server.setSoTimeout(2000);
        Socket accepted = server.accept();
        while (accepted.getInetAddress().isLoopbackAddress()) {
            accepted.close();
            accepted = server.accept();
        }
        return accepted;
    }

    @Test
    void mtuAndMacAddressesAreSetPerCable() {
        try (Topology net = Topology.builder()
                .namespace("red").namespace("blue")
                .veth("red", "10.3.0.1/24", "blue", "10.3.0.2/24", 9000, "02:00:00:00:00:0a", "02:00:00:00:00:0b")
                .start()) {
            LinkInfo red = net.namespace("red").link("eth0").info();
            LinkInfo blue = net.namespace("blue").link("eth0").info();
            assertThat(red.mtu()).isEqualTo(9000);
            assertThat(blue.mtu()).isEqualTo(9000);
            assertThat(red.mac()).isEqualTo("02:00:00:00:00:0a");
            assertThat(blue.mac()).isEqualTo("02:00:00:00:00:0b");
            // a jumbo ping crosses without fragmentation
            ExecResult jumbo = net.namespace("red").exec("ping", "-n", "-c", "1", "-W", "2", "-M", "do", "-s", "8000", "10.3.0.2");
            assertThat(jumbo.succeeded()).as(jumbo.toString()).isTrue();
            assertThat(net.namespace("blue").neighbours()).isNotEmpty();
        }
    }
}
