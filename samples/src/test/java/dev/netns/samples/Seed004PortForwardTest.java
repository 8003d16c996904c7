package dev.netns.samples;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.NetNs;
import dev.netns.Topology;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The end of seeds 001 and 004, with the builder API: the host forwards port 8080 to blue's port
 * 80, so a client in the outside network reaches a server in blue; blue's default route goes
 * through the host, and the host masquerades blue's traffic to the "internet".
 */
class Seed004PortForwardTest {

    private Topology net;
    private ServerSocket server;

    @BeforeEach
    void startTopology() throws Exception {
        net = Topology.builder()
                .namespace("blue")
                .namespace("lan")
                .namespace("internet")
                .bridge("v-net-0", "192.168.15.5/24")
                .veth("blue", "192.168.15.2/24", "v-net-0", null)
                .veth("host", "192.168.1.2/24", "lan", "192.168.1.10/24")
                .veth("host", "203.0.113.1/24", "internet", "203.0.113.80/24")
                .route("blue", "default", "192.168.15.5")
                .nat("host", "192.168.15.0/24")
                .portForward("host", 8080, "192.168.15.2:80")
                .start();
        NetNs blue = net.namespace("blue");
        server = blue.call(() -> new ServerSocket(80));
        Thread acceptor = new Thread(this::answerHello, "hello-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stopTopology() throws Exception {
        server.close();
        net.close();
    }

    @Test
    void theOutsideReachesBlueThroughThePortForward() throws Exception {
        NetNs lan = net.namespace("lan");

        String reply = lan.call(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("192.168.1.2", 8080), 3000);
                return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
            }
        });

        assertThat(reply).isEqualTo("hello from blue");
    }

    @Test
    void onlyTheForwardedPortIsOpen() {
        assertThat(net.namespace("lan")).canConnect("192.168.1.2", 8080).cannotConnect("192.168.1.2", 8081);
    }

    @Test
    void blueReachesTheInternetThroughTheDefaultRouteAndMasquerade() {
        // "internet" has no route back to 192.168.15.0/24: only the host's masquerade makes this work
        assertThat(net.namespace("blue")).canPing("203.0.113.80");
    }

    private void answerHello() {
        while (!server.isClosed()) {
            try (Socket client = server.accept()) {
                new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8).println("hello from blue");
            } catch (Exception closed) {
                return;
            }
        }
    }
}
