package dev.netns.samples;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.NetNs;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.Route;
import dev.netns.junit.TopologyLifecycle;
import dev.netns.junit.VethPair;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Feature sample: one topology shared by every test of the class (made before {@code @BeforeAll}),
 * with a router namespace between two networks and a server started once.
 */
@NetnsTest(lifecycle = TopologyLifecycle.PER_CLASS)
@Namespace("alice")
@Namespace(value = "router", forwarding = true)
@Namespace("bob")
@VethPair(left = "alice", leftAddress = "10.1.0.2/24", right = "router", rightAddress = "10.1.0.1/24")
@VethPair(left = "bob", leftAddress = "10.2.0.2/24", right = "router", rightAddress = "10.2.0.1/24")
@Route(in = "alice", to = "default", via = "10.1.0.1")
@Route(in = "bob", to = "default", via = "10.2.0.1")
class SharedTopologyTest {

    @Namespace("alice") static NetNs alice;
    @Namespace("bob") static NetNs bob;
    static ServerSocket server;

    @BeforeAll
    static void startServerInBob() throws Exception {
        server = bob.call(() -> new ServerSocket(7000));
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket client = server.accept()) {
                    new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8).println("hi");
                } catch (IOException closed) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void stopServer() throws IOException {
        server.close();
    }

    @Test
    void aliceReachesBobThroughTheRouter() {
        assertThat(alice).canPing(bob).canConnect("10.2.0.2", 7000);
    }

    @Test
    void theRouterIsOnTheWay() {
        assertThat(alice.exec("ip", "route", "get", "10.2.0.2").stdout()).contains("via 10.1.0.1");
    }

    @Test
    void withoutForwardingTheRouterWouldDrop(@Namespace("router") NetNs router) {
        assertThat(router.exec("cat", "/proc/sys/net/ipv4/ip_forward").stdout().strip()).isEqualTo("1");
    }
}
