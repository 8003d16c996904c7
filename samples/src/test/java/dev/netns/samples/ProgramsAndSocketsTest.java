package dev.netns.samples;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netns.ExecResult;
import dev.netns.NetNs;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.VethPair;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Feature sample: programs, JVM sockets and waiting, inside namespaces. */
@NetnsTest
@Namespace("client")
@Namespace("server")
@VethPair(left = "client", leftAddress = "10.10.0.1/24", right = "server", rightAddress = "10.10.0.2/24")
class ProgramsAndSocketsTest {

    @Namespace("client") NetNs client;
    @Namespace("server") NetNs server;

    @Test
    void aProgramSeesOnlyItsNamespace() {
        ExecResult links = server.exec("ip", "-brief", "address");

        assertThat(links.succeeded()).isTrue();
        assertThat(links.stdout()).contains("10.10.0.2/24").doesNotContain("10.10.0.1");
    }

    @Test
    void aJvmServerInOneNamespaceAnswersAJvmClientInAnother() throws Exception {
        try (ServerSocket listening = server.call(() -> new ServerSocket(8080))) {
            assertThat(client).canConnect("10.10.0.2", 8080).cannotConnect("10.10.0.2", 8081);
            assertThat(listening.getLocalPort()).isEqualTo(8080);
        }
    }

    @Test
    void aDatagramFromAProgramReachesAJvmSocket() throws Exception {
        try (DatagramSocket receiver = server.call(() -> new DatagramSocket(new InetSocketAddress("10.10.0.2", 5000)))) {
            // a program (not the JVM) sends the datagram, started in the background with a small delay
            Thread sender = new Thread(() -> client.exec("bash", "-c", "sleep 0.2; echo hello > /dev/udp/10.10.0.2/5000"));
            sender.start();

            byte[] buffer = new byte[64];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            receiver.setSoTimeout(5000);
            receiver.receive(packet);

            assertThat(new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
            assertThat(packet.getAddress().getHostAddress()).isEqualTo("10.10.0.1");
            sender.join();
        }
    }

    @Test
    void awaitAServerThatStartsLater() throws Exception {
        ServerSocket[] late = new ServerSocket[1];
        Thread starter = new Thread(() -> {
            try {
                Thread.sleep(300);
                late[0] = server.call(() -> new ServerSocket(9000));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        starter.start();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(client).canConnect("10.10.0.2", 9000));
        starter.join();
        late[0].close();
    }
}
