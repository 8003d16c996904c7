package dev.netns;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Names, ping from the JVM, waiting assertions, cables pulled out and partitions, with real packets. */
class BehaviourIT {

    private Topology net;
    private NetNs red;
    private NetNs blue;
    private NetNs green;

    /** red, blue and green on one bridge in host. */
    @BeforeEach
    void start() {
        net = Topology.builder()
                .namespace("red").namespace("blue").namespace("green")
                .bridge("br0", null)
                .veth("red", "10.8.0.1/24", "br0", null)
                .veth("blue", "10.8.0.2/24", "br0", null)
                .veth("green", "10.8.0.3/24", "br0", null)
                .start();
        red = net.namespace("red");
        blue = net.namespace("blue");
        green = net.namespace("green");
    }

    @AfterEach
    void close() {
        net.close();
    }

    @Test
    void namesStandForTheFirstAddress() {
        PingResult result = red.ping("blue");
        assertThat(result.reachable()).as(result.toString()).isTrue();
        assertThat(result.address()).isEqualTo("10.8.0.2");
        assertThat(red).canPing("green").canPing(blue);
        assertThatThrownBy(() -> red.ping("bleu")).isInstanceOf(NetnsException.class)
                .hasMessageContaining("'bleu' is neither an IP address nor a namespace of this topology (did you mean "
                        + "'blue'? its namespaces: ")
                .hasMessageContaining("red", "blue", "green");
    }

    @Test
    void programsResolveNamespaceNamesWithoutTouchingTheMachinesHostsFile() throws Exception {
        String machineHosts = java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hosts"));
        ExecResult lookup = red.exec("getent", "hosts", "blue");
        assertThat(lookup.stdout()).as(lookup.toString()).startsWith("10.8.0.2");
        ExecResult ping = red.exec("ping", "-n", "-c", "1", "-W", "2", "green");
        assertThat(ping.succeeded()).as(ping.toString()).isTrue();
        try (Program background = blue.start("sh", "-c", "getent hosts red; exec sleep 60")) {
            background.awaitOutput("10.8.0.1", Duration.ofSeconds(5));
        }
        assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hosts"))).isEqualTo(machineHosts);
    }

    @Test
    void pingFromTheJvmAnswersFastAndSaysWhyNot() {
        PingResult reply = red.ping("10.8.0.2");
        assertThat(reply.reachable()).isTrue();
        assertThat(reply.output()).startsWith("reply to echo 1");
        assertThat(reply.rtt()).as("round trip of the first reply").hasValueSatisfying(rtt ->
                assertThat(rtt).isPositive().isLessThan(Duration.ofSeconds(2)));

        long started = System.nanoTime();
        PingResult noRoute = red.ping("10.99.0.1");
        assertThat(noRoute.reachable()).isFalse();
        assertThat(noRoute.output()).contains("Network is unreachable");
        assertThat(noRoute.rtt()).isEmpty();
        assertThat((System.nanoTime() - started) / 1_000_000).as("no route is known at once").isLessThan(200);

        PingResult nobody = red.ping("10.8.0.77", Duration.ofMillis(700));
        assertThat(nobody.reachable()).isFalse();
        assertThat(nobody.output()).satisfiesAnyOf(
                text -> assertThat(text).contains("No route to host"),
                text -> assertThat(text).contains("no reply within 700 ms"));
    }

    @Test
    void aPulledCableStopsTrafficAndWithinWaitsForItToComeBack() {
        Link cable = red.link("eth0");
        cable.down();
        assertThat(cable.info().up()).isFalse();
        assertThat(red).hasLink("eth0").isDown();
        assertThat(red).cannotPing("blue");

        Thread plugger = new Thread(() -> {
            sleep(300);
            cable.up();
        });
        plugger.start();
        long started = System.nanoTime();
        assertThat(red).within(Duration.ofSeconds(5)).canPing("blue");
        assertThat((System.nanoTime() - started) / 1_000_000).isBetween(250L, 5000L);
        assertThat(red).hasLink("eth0").isUp().hasCarrier();
    }

    @Test
    void withinFailsAfterItsTimeoutWithTheLastAttempt() {
        red.link("eth0").down();
        long started = System.nanoTime();
        assertThatThrownBy(() -> assertThat(red).within(Duration.ofMillis(600)).canPing("blue"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Not true within 600 ms")
                .hasMessageContaining("Expected namespace 'red' to reach blue (10.8.0.2) by ping");
        assertThat((System.nanoTime() - started) / 1_000_000).isBetween(600L, 6000L);
    }

    @Test
    void aPartitionDropsTrafficBetweenTwoOnlyEvenOnOneBridgeAndHeals() throws Exception {
        try (ServerSocket server = blue.call(() -> new ServerSocket(8080))) {
            assertThat(red).canConnect("blue", 8080);

            net.partition("red", "blue");
            assertThat(red).within(Duration.ofSeconds(5)).cannotPing("blue");
            assertThat(blue).cannotPing("red");
            assertThat(red).probeTimeout(Duration.ofMillis(300)).cannotConnect("blue", 8080);
            assertThat(red).as("a third party is untouched").canPing("green");
            assertThat(green).canPing("blue").canConnect("blue", 8080);

            net.heal("red", "blue");
            assertThat(red).within(Duration.ofSeconds(5)).canPing("blue").canConnect("blue", 8080);
        }
        assertThatThrownBy(() -> net.partition("red", "purple")).isInstanceOf(NetnsException.class)
                .hasMessageContaining("no namespace 'purple'");
    }

    @Test
    void negativeChecksTakeTheProbeTimeoutNotMore() {
        red.link("eth0").down();
        long started = System.nanoTime();
        assertThat(red).probeTimeout(Duration.ofMillis(300)).cannotPing("10.8.0.2");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(1500);
        // refused at once: nothing listens
        assertThat(blue).cannotConnect("10.8.0.3", 9);
    }

    @Test
    void stateChecksReadTheKernel() {
        red.ping("blue");
        assertThat(red).hasAddress("10.8.0.1/24").hasAddress("10.8.0.1").hasRoute("10.8.0.0/24").hasNeighbour("10.8.0.2");
        assertThatThrownBy(() -> assertThat(red).hasRoute("default")).hasMessageContaining("to have a route to default");
        assertThatThrownBy(() -> red.link("eth9")).isInstanceOf(NetnsException.class).hasMessageContaining("eth0");
    }

    @Test
    void udpChecksNeedAnAnswer() {
        try (java.net.DatagramSocket server = callUnchecked(() -> new java.net.DatagramSocket(5353))) {
            Thread answerer = new Thread(() -> {
                try {
                    java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[2048], 2048);
                    server.receive(packet);
                    server.send(new java.net.DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            answerer.setDaemon(true);
            answerer.start();
            assertThat(red).canConnectUdp("blue", 5353);
            assertThat(red).probeTimeout(Duration.ofMillis(300)).cannotConnectUdp("blue", 5354);
        }
    }

    private <T> T callUnchecked(java.util.concurrent.Callable<T> action) {
        try {
            return blue.call(action);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
