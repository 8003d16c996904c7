package dev.netns;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every partition shape against real packets: five namespaces on one bridge, each sends a UDP
 * datagram to each other, and exactly the directions the shape's grudge cuts are lost.
 */
class PartitionIT {

    private static final List<String> NODES = List.of("n1", "n2", "n3", "n4", "n5");
    private static final int PORT = 9999;

    private Topology net;
    private final Map<String, DatagramSocket> sockets = new LinkedHashMap<>();

    @BeforeEach
    void start() throws Exception {
        Topology.Builder builder = Topology.builder().bridge("br0", null);
        for (int i = 0; i < NODES.size(); i++) {
            builder.namespace(NODES.get(i)).veth(NODES.get(i), "10.9.0." + (i + 1) + "/24", "br0", null);
        }
        net = builder.start();
        for (String node : NODES) {
            DatagramSocket socket = net.namespace(node).call(() -> new DatagramSocket(PORT));
            socket.setSoTimeout(50);
            sockets.put(node, socket);
        }
    }

    @AfterEach
    void close() {
        sockets.values().forEach(DatagramSocket::close);
        net.close();
    }

    /** Which directed pairs ("a->b") a datagram crosses now. */
    private Set<String> arrivingDirections() throws IOException {
        for (DatagramSocket socket : sockets.values()) {
            drain(socket, null);
        }
        for (String from : NODES) {
            for (String to : NODES) {
                if (!from.equals(to)) {
                    byte[] payload = from.getBytes(StandardCharsets.US_ASCII);
                    sockets.get(from).send(new DatagramPacket(payload, payload.length,
                            new InetSocketAddress(net.namespace(to).address(), PORT)));
                }
            }
        }
        Set<String> arrived = new TreeSet<>();
        long deadline = System.nanoTime() + 400_000_000L;
        while (System.nanoTime() < deadline) {
            sockets.forEach((to, socket) -> {
                try {
                    drain(socket, from -> arrived.add(from + "->" + to));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        return arrived;
    }

    private static void drain(DatagramSocket socket, java.util.function.Consumer<String> senders) throws IOException {
        byte[] buffer = new byte[64];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException nothingMore) {
                return;
            }
            if (senders != null) {
                senders.accept(new String(buffer, 0, packet.getLength(), StandardCharsets.US_ASCII));
            }
        }
    }

    /** The directions a grudge lets through: a -> b unless b drops a. */
    private static Set<String> expected(Map<String, Set<String>> grudge) {
        Set<String> directions = new TreeSet<>();
        for (String from : NODES) {
            for (String to : NODES) {
                if (!from.equals(to) && !grudge.getOrDefault(to, Set.of()).contains(from)) {
                    directions.add(from + "->" + to);
                }
            }
        }
        return directions;
    }

    @Test
    void everyShapeCutsExactlyItsGrudgeAndHeals() throws Exception {
        Set<String> all = expected(Map.of());
        assertThat(arrivingDirections()).isEqualTo(all);
        List<String> names = net.namespaces().stream().map(NetNs::name).toList();
        for (Partition shape : List.of(Partition.isolate("n1"), Partition.groups(List.of("n1", "n2"), List.of("n4")),
                Partition.oneWay("n2", "n3"), Partition.majoritiesRing("n1", "n2", "n3", "n4", "n5"),
                Partition.bridge("n1", "n2", "n3", "n4", "n5"), Partition.halves("n5", "n4", "n3", "n2", "n1"),
                Partition.randomHalves(42, "n1", "n2", "n3", "n4", "n5"))) {
            net.partition(shape);
            assertThat(arrivingDirections()).as(shape.toString()).isEqualTo(expected(shape.grudge(names)));
            net.heal();
            assertThat(arrivingDirections()).as("healed after " + shape).isEqualTo(all);
        }
    }

    @Test
    void severalPartitionsHoldAtOnceAndHealTakesThemAllThePairwiseOneToo() throws Exception {
        net.partition("n1", "n2");
        net.partition(Partition.oneWay("n3", "n4"));
        net.partition(Partition.isolate("n5"));
        Set<String> cut = new TreeSet<>(Set.of("n1->n2", "n2->n1", "n3->n4"));
        for (String node : List.of("n1", "n2", "n3", "n4")) {
            cut.add(node + "->n5");
            cut.add("n5->" + node);
        }
        Set<String> expected = expected(Map.of());
        expected.removeAll(cut);
        assertThat(arrivingDirections()).isEqualTo(expected);

        net.heal(Partition.isolate("n5"));
        assertThat(arrivingDirections()).doesNotContain("n1->n2", "n3->n4").contains("n5->n1", "n1->n5", "n4->n3");

        net.heal();
        assertThat(arrivingDirections()).isEqualTo(expected(Map.of()));
        assertThatThrownBy(() -> net.partition(Partition.isolate("n9"))).isInstanceOf(NetnsException.class)
                .hasMessageContaining("no namespace 'n9'");
    }

    @Test
    void oneWayLosesRepliesSoPingFailsBothWaysAndTcpFromTheOtherSideGetsNoAnswer() throws Exception {
        NetNs n1 = net.namespace("n1");
        NetNs n2 = net.namespace("n2");
        net.partition(Partition.oneWay("n1", "n2"));
        assertThat(n1).probeTimeout(Duration.ofMillis(300)).cannotPing("n2");
        assertThat(n2).probeTimeout(Duration.ofMillis(300)).cannotPing("n1");
        assertThat(n1).canPing("n3");
        try (ServerSocket server = n1.call(() -> new ServerSocket(7000))) {
            assertThatThrownBy(() -> n2.call(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(n1.address(), 7000), 500);
                }
                return null;
            })).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void aRejectingPartitionRefusesAConnectionAtOnceAndHealsToo() throws Exception {
        NetNs n1 = net.namespace("n1");
        NetNs n2 = net.namespace("n2");
        try (ServerSocket server = n2.call(() -> new ServerSocket(7000))) {
            net.partition(Partition.isolate("n1").rejecting());
            long started = System.nanoTime();
            assertThatThrownBy(() -> n1.call(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(n2.address(), 7000), 5000);
                }
                return null;
            })).isInstanceOf(ConnectException.class);
            assertThat((System.nanoTime() - started) / 1_000_000).as("ms to the refusal").isLessThan(1000);
            // the other way too, and ping gets an answer that says no
            started = System.nanoTime();
            assertThatThrownBy(() -> n2.call(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(n1.address(), 7000), 5000);
                }
                return null;
            })).isInstanceOf(ConnectException.class);
            assertThat((System.nanoTime() - started) / 1_000_000).as("ms to the refusal").isLessThan(1000);
            assertThat(n1).cannotPing("n2");
            assertThat(net.namespace("n3")).canConnect("n2", 7000);

            net.heal();
            assertThat(n1).within(Duration.ofSeconds(3)).canConnect("n2", 7000);
        }
    }
}
