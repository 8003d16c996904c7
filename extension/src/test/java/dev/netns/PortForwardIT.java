package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** UDP port forwards (TCP ones are in the samples), both ways through conntrack. */
class PortForwardIT {

    @Test
    void udpDatagramsAreForwardedAndAnswered() throws Exception {
        try (Topology net = Topology.builder()
                .namespace("server")
                .namespace("client")
                .veth("server", "10.50.0.2/24", "host", "10.50.0.1/24")
                .veth("client", "10.60.0.2/24", "host", "10.60.0.1/24")
                .route("server", "default", "10.50.0.1")
                .portForward("host", 5353, "10.50.0.2:53", "udp")
                .start();
             DatagramSocket server = net.namespace("server").call(() -> new DatagramSocket(new InetSocketAddress("10.50.0.2", 53)));
             DatagramSocket client = net.namespace("client").call(() -> new DatagramSocket(new InetSocketAddress("10.60.0.2", 0)))) {
            server.setSoTimeout(5000);
            client.setSoTimeout(5000);

            byte[] question = "question".getBytes(StandardCharsets.UTF_8);
            client.send(new DatagramPacket(question, question.length, new InetSocketAddress("10.60.0.1", 5353)));
            DatagramPacket received = new DatagramPacket(new byte[64], 64);
            server.receive(received);
            byte[] answer = "answer".getBytes(StandardCharsets.UTF_8);
            server.send(new DatagramPacket(answer, answer.length, received.getSocketAddress()));
            DatagramPacket reply = new DatagramPacket(new byte[64], 64);
            client.receive(reply);

            assertThat(new String(received.getData(), 0, received.getLength(), StandardCharsets.UTF_8)).isEqualTo("question");
            assertThat(received.getAddress().getHostAddress()).as("no masquerade: the server sees the client").isEqualTo("10.60.0.2");
            assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8)).isEqualTo("answer");
            assertThat(reply.getAddress().getHostAddress()).as("the reply comes back from the forwarding address").isEqualTo("10.60.0.1");
        }
    }
}
