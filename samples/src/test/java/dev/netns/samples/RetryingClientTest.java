package dev.netns.samples;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.Impairment;
import dev.netns.NetNs;
import dev.netns.junit.Impair;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.VethPair;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Feature sample: a client that retries its UDP request until it gets an answer, tested against a
 * lossy link. The seed makes the losses replay: every run needs the same number of attempts.
 */
@NetnsTest
@Namespace("client")
@Namespace("server")
@VethPair(left = "client", leftAddress = "10.50.0.1/24", right = "server", rightAddress = "10.50.0.2/24")
class RetryingClientTest {

    @Namespace("client") NetNs client;
    @Namespace("server") NetNs server;

    @Test
    @Impair(link = "client:eth0", loss = 60, seed = 2026)
    void theClientGetsThroughALossyLinkByRetrying() throws Exception {
        try (DatagramSocket echo = server.call(() -> new DatagramSocket(7000))) {
            answerForever(echo);
            int attempts = client.call(() -> requestWithRetries("hello", 20));
            assertThat(attempts).as("60 %% of requests are lost, so it takes a few tries").isGreaterThan(1);
            assertThat(client.call(() -> requestWithRetries("hello", 20)))
                    .as("another request, another (replayed) number of tries").isPositive();
        }
    }

    @Test
    void aDelayedLinkSlowsTheAnswerDown() throws Exception {
        client.link("eth0").impair(Impairment.builder().delay(Duration.ofMillis(80)).build());
        try (DatagramSocket echo = server.call(() -> new DatagramSocket(7001))) {
            answerForever(echo);
            long started = System.nanoTime();
            client.call(() -> {
                try (DatagramSocket socket = new DatagramSocket()) {
                    socket.setSoTimeout(2000);
                    send(socket, "ping", 7001);
                    socket.receive(new DatagramPacket(new byte[64], 64));
                }
                return null;
            });
            assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(80);
        }
        client.link("eth0").clearImpairment();
        assertThat(client).canPing("server");
    }

    /** The client under test: sends the request, waits 100 ms for an answer, retries. Returns the attempts it took. */
    private static int requestWithRetries(String request, int maxAttempts) throws Exception {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(100);
            for (int attempt = 1; attempt <= maxAttempts; attempt++) {
                send(socket, request, 7000);
                try {
                    socket.receive(new DatagramPacket(new byte[64], 64));
                    return attempt;
                } catch (SocketTimeoutException lost) {
                    // try again
                }
            }
            throw new AssertionError("no answer after " + maxAttempts + " attempts");
        }
    }

    private static void send(DatagramSocket socket, String text, int port) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("10.50.0.2", port)));
    }

    private static void answerForever(DatagramSocket socket) {
        Thread answerer = new Thread(() -> {
            byte[] buffer = new byte[64];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    socket.receive(packet);
                    socket.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
                } catch (java.io.IOException closed) {
                    return;
                }
            }
        });
        answerer.setDaemon(true);
        answerer.start();
    }
}
