package dev.netns;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a server sees of the checks: canConnect makes a real connection (the server's next accept()
 * returns it, closed), isListeningOn makes none.
 */
class ConnectProbeIT {

    private Topology net;
    private NetNs red;
    private NetNs blue;

    @BeforeEach
    void start() {
        net = Topology.builder().namespace("red").namespace("blue")
                .veth("red", "10.7.0.1/24", "blue", "10.7.0.2/24").start();
        red = net.namespace("red");
        blue = net.namespace("blue");
    }

    @AfterEach
    void close() {
        net.close();
    }

    @Test
    void canConnectHandsTheServerAClosedConnectionAsDocumented() throws Exception {
        try (ServerSocket server = blue.call(() -> new ServerSocket(8080))) {
            assertThat(red).canConnect("blue", 8080);
            server.setSoTimeout(2000);
            try (Socket probe = server.accept(); InputStream in = probe.getInputStream()) {
                org.assertj.core.api.Assertions.assertThat(probe.getInetAddress().getHostAddress()).isEqualTo("10.7.0.1");
                org.assertj.core.api.Assertions.assertThat(in.read()).as("the probe closed at once").isEqualTo(-1);
            }
        }
    }

    @Test
    void isListeningOnMakesNoConnection() throws Exception {
        try (ServerSocket server = blue.call(() -> new ServerSocket(8080))) {
            assertThat(blue).isListeningOn(8080);
            server.setSoTimeout(300);
            assertThatThrownBy(server::accept).as("nothing waits in the backlog").isInstanceOf(SocketTimeoutException.class);
            assertThat(red).cannotConnect("blue", 8081);
        }
        assertThatThrownBy(() -> assertThat(blue).isListeningOn(8080)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected something in namespace 'blue' to listen on TCP port 8080, but nothing does.");
    }
}
