package dev.netns;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Impaired links with real traffic, measured in the test: delay, loss and its replay, rate, duplicates, corruption, reorder, bursts. */
class ImpairmentIT {

    private Topology net;
    private NetNs red;
    private NetNs blue;

    @BeforeEach
    void start() {
        net = Topology.builder().namespace("red").namespace("blue")
                .veth("red", "10.6.0.1/24", "blue", "10.6.0.2/24").start();
        red = net.namespace("red");
        blue = net.namespace("blue");
    }

    @AfterEach
    void close() {
        net.close();
    }

    @Test
    void delayHoldsEveryPacketAndTheLinkStaysTheSame() {
        LinkInfo before = red.link("eth0").info();
        red.link("eth0").impair(Impairment.builder().delay(Duration.ofMillis(50)).build());
        List<Double> rtts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            PingResult ping = red.ping("blue");
            assertThat(ping.reachable()).isTrue();
            rtts.add(Double.parseDouble(ping.output().replaceAll(".* after ([0-9.]+) ms.*", "$1")));
        }
        rtts.sort(Double::compare);
        assertThat(rtts.get(5)).as("median RTT with 50 ms on one direction").isBetween(50.0, 60.0);
        LinkInfo during = red.link("eth0").info();
        assertThat(during.index()).isEqualTo(before.index());
        assertThat(during.mac()).isEqualTo(before.mac());

        red.link("eth0").clearImpairment();
        PingResult fast = red.ping("blue");
        assertThat(Double.parseDouble(fast.output().replaceAll(".* after ([0-9.]+) ms.*", "$1"))).isLessThan(20.0);
        assertThat(red.exec("tc", "qdisc", "show", "dev", "eth0").stdout()).doesNotContain("clsact");
    }

    @Test
    void lossDropsTheShareAskedForAndTheSameSeedDropsTheSamePackets() throws Exception {
        // neighbours resolved first: a lost ARP request would hold everything back for a second
        assertThat(red).canPing("blue");
        assertThat(blue).canPing("red");
        Impairment loss = Impairment.builder().loss(30).seed(42).build();
        red.link("eth0").impair(loss);
        Set<Integer> first = new TreeSet<>(udpThrough(1000, false));
        red.link("eth0").impair(loss);   // the same seed, from the start again
        Set<Integer> second = new TreeSet<>(udpThrough(1000, true));
        red.link("eth0").impair(Impairment.builder().loss(30).seed(43).build());
        Set<Integer> otherSeed = new TreeSet<>(udpThrough(1000, false));

        // On a loaded machine a few datagrams are also lost outside the shaper's choice (a starved
        // shaper or receiver thread overruns a socket buffer), differently in each run. The shaper's
        // own choice is what both runs of one seed delivered between them: its share is binomial,
        // 1000 x 0.7 = 700 +- 14.5 (one standard deviation); the window is four of them either way.
        Set<Integer> chosen = new TreeSet<>(first);
        chosen.addAll(second);
        double mean = 1000 * 0.7;
        double deviation = Math.sqrt(1000 * 0.7 * 0.3);
        assertThat((double) chosen.size()).as("delivered of 1000 at 30 % loss, seed 42 (both runs together)")
                .isBetween(mean - 4 * deviation, mean + 4 * deviation);
        // the same seed drops the same datagrams: two runs differ only by those few lost outside the
        // shaper, while two seeds differ in about 2 x 0.7 x 0.3 = 42 % of the datagrams
        assertThat(differing(first, second)).as("datagrams delivered by one run of seed 42 and not the other, "
                + "despite pings in between").isLessThan(50);
        assertThat(differing(first, otherSeed)).as("datagrams delivered with seed 42 or 43, not both").isGreaterThan(250);
    }

    /** How many numbers are in one set and not in the other. */
    private static int differing(Set<Integer> a, Set<Integer> b) {
        Set<Integer> onlyOne = new TreeSet<>(a);
        onlyOne.addAll(b);
        Set<Integer> both = new TreeSet<>(a);
        both.retainAll(b);
        onlyOne.removeAll(both);
        return onlyOne.size();
    }

    @Test
    void twoRunsOfOrdinaryPingWithTheSameSeedLoseTheSameSequenceNumbers() {
        // ping's payload carries a timestamp and its identifier changes each run: the position in the flow decides
        List<Integer> first = lostByPing();
        net.close();
        start();
        List<Integer> second = lostByPing();
        assertThat(first.size()).as("lost of 50 at 30 %%: %s", first).isBetween(4, 28);
        assertThat(second).as("a fresh topology, the same seed").isEqualTo(first);
    }

    /** Impairs red's cable with 30 % loss, seed 42, on a fresh cable (nothing resolved yet), then runs ping -c 50. */
    private List<Integer> lostByPing() {
        red.link("eth0").impair(Impairment.builder().loss(30).seed(42).build());
        ExecResult ping = red.exec(Duration.ofSeconds(30), "ping", "-n", "-c", "50", "-i", "0.02", "-W", "2", "10.6.0.2");
        List<Integer> lost = new ArrayList<>();
        for (int sequence = 1; sequence <= 50; sequence++) {
            if (!ping.stdout().contains("icmp_seq=" + sequence + " ")) {
                lost.add(sequence);
            }
        }
        return lost;
    }

    @Test
    void lossOnAFreshCableSparesTheNeighbourLookup() throws Exception {
        // nothing resolved yet: were the ARP request lost, the whole burst would wait behind it
        red.link("eth0").impair(Impairment.builder().loss(30).seed(5).build());
        List<Integer> delivered = udpThrough(1000, false);
        assertThat(delivered.size()).as("delivered of 1000 at 30 %% loss, ARP spared").isBetween(620, 780);
    }

    @Test
    void duplicatesCorruptionAndReorder() throws Exception {
        red.link("eth0").impair(Impairment.builder().duplicate(100).seed(1).build());
        assertThat(udpThrough(50, false)).as("every datagram twice").hasSize(100);

        red.link("eth0").impair(Impairment.builder().corrupt(100).seed(1).build());
        assertThat(udpThrough(50, false)).as("a flipped bit fails the UDP checksum").isEmpty();

        red.link("eth0").impair(Impairment.builder().delay(Duration.ofMillis(30)).reorder(50).seed(1).build());
        List<Integer> reordered = udpThrough(100, false);
        assertThat(reordered).hasSize(100).isNotEqualTo(reordered.stream().sorted().toList());
    }

    @Test
    void gilbertElliottLosesInBursts() throws Exception {
        red.link("eth0").impair(Impairment.builder().gilbertElliott(5, 20, 100, 0).seed(7).build());
        List<Integer> delivered = udpThrough(2000, false);
        int lost = 2000 - delivered.size();
        assertThat(lost).as("about p / (p + r) = 20 % lost").isBetween(200, 600);
        int bursts = 0;
        int previous = -1;
        for (int sequence : delivered) {
            if (sequence > previous + 1) {
                bursts++;
            }
            previous = sequence;
        }
        assertThat((double) lost / bursts).as("mean burst length (1/r = 5)").isGreaterThan(2.5);
    }

    @Test
    void rateLimitsThroughput() throws Exception {
        long rate = 20_000_000;
        red.link("eth0").impair(Impairment.builder().rate(rate).build());
        int bytes = 4_000_000;
        double seconds = tcpTransfer(bytes);
        double measured = bytes * 8 / seconds;
        // never above the rate; near it on an idle machine (docs/benchmarks.md: within a few percent), lower
        // only when the shaper thread is starved of CPU, as in this suite's parallel pass on two cores
        assertThat(measured).as("bit/s").isBetween(rate * 0.5, rate * 1.10);
    }

    @Test
    void badImpairmentsAreRefusedWithAReason() {
        assertThatThrownBy(() -> Impairment.builder().loss(120)).isInstanceOf(NetnsException.class)
                .hasMessageContaining("from 0 to 100");
        assertThatThrownBy(() -> Impairment.builder().jitter(Duration.ofMillis(5)).build())
                .hasMessageContaining("needs a delay");
        assertThatThrownBy(() -> red.link("eth0").impair(null)).isInstanceOf(NetnsException.class);
        assertThat(red).canPing("blue");
    }

    /** Sends numbered datagrams from red to blue; returns the numbers blue received, in arrival order. */
    private List<Integer> udpThrough(int count, boolean pingMeanwhile) throws Exception {
        List<Integer> received = new CopyOnWriteArrayList<>();
        try (DatagramSocket server = blue.call(() -> {
            DatagramSocket socket = new DatagramSocket(9000);
            socket.setReceiveBufferSize(4 << 20);
            socket.setSoTimeout(1000);
            return socket;
        })) {
            Thread receiver = new Thread(() -> {
                byte[] buffer = new byte[2048];
                while (true) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        server.receive(packet);
                    } catch (java.io.IOException idle) {
                        return;
                    }
                    String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII);
                    received.add(Integer.parseInt(text.substring("datagram ".length())));
                }
            });
            receiver.start();
            red.call(() -> {
                try (DatagramSocket client = new DatagramSocket()) {
                    for (int i = 0; i < count; i++) {
                        byte[] payload = ("datagram " + i).getBytes(StandardCharsets.US_ASCII);
                        client.send(new DatagramPacket(payload, payload.length, new InetSocketAddress("10.6.0.2", 9000)));
                        if (pingMeanwhile && i % 100 == 0) {
                            red.ping("10.6.0.2", Duration.ofMillis(300));
                        }
                        if (i % 20 == 19) {
                            Thread.sleep(1);
                        }
                    }
                }
                return null;
            });
            receiver.join(30_000);
        }
        return new ArrayList<>(received);
    }

    /** Sends {@code bytes} over TCP from red to blue; returns the seconds it took. */
    private double tcpTransfer(int bytes) throws Exception {
        try (ServerSocket server = blue.call(() -> new ServerSocket(9001))) {
            Thread sink = new Thread(() -> {
                try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (java.io.IOException e) {
                    // the test reports what arrived
                }
            });
            sink.start();
            long started = System.nanoTime();
            red.call(() -> {
                try (Socket socket = new Socket("10.6.0.2", 9001); OutputStream out = socket.getOutputStream()) {
                    byte[] chunk = new byte[64 * 1024];
                    for (int sent = 0; sent < bytes; sent += chunk.length) {
                        out.write(chunk, 0, Math.min(chunk.length, bytes - sent));
                    }
                }
                return null;
            });
            sink.join(60_000);
            return (System.nanoTime() - started) / 1e9;
        }
    }
}
