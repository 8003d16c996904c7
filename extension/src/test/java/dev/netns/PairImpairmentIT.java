package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code Topology.impair(from, to, ..)}: one pair's packets on a shared bridge, nobody else's. */
class PairImpairmentIT {

    private static final Duration DELAY = Duration.ofMillis(150);

    private Topology net;

    @BeforeEach
    void start() {
        net = Topology.builder().namespace("a").namespace("b").namespace("c")
                .bridge("br0", null)
                .veth("a", "10.9.0.1/24", "br0", null)
                .veth("b", "10.9.0.2/24", "br0", null)
                .veth("c", "10.9.0.3/24", "br0", null)
                .start();
    }

    @AfterEach
    void close() {
        net.close();
    }

    @Test
    void onlyWhatFromSendsToToIsImpaired() throws Exception {
        warmUp();
        net.impair("a", "b", Impairment.builder().delay(DELAY).build());

        assertThat(oneWayMillis("a", "b")).as("a -> b, impaired").isGreaterThanOrEqualTo(DELAY.toMillis());
        assertThat(oneWayMillis("a", "c")).as("a -> c, another destination").isLessThan(50);
        assertThat(oneWayMillis("b", "a")).as("b -> a, the way back").isLessThan(50);
        assertThat(oneWayMillis("c", "b")).as("c -> b, another source").isLessThan(50);

        net.impair("a", "b", Impairment.builder().loss(100).seed(1).build());
        assertThat(net.namespace("a").ping("b", Duration.ofMillis(500)).reachable()).as("a -> b, all lost").isFalse();
        assertThat(oneWayMillis("a", "c")).as("a -> c, still untouched").isLessThan(50);

        net.clearImpairment("a", "b");
        assertThat(oneWayMillis("a", "b")).as("a -> b, cleared").isLessThan(50);
        assertThat(net.namespace("a").exec("tc", "filter", "show", "dev", "eth0", "egress").stdout())
                .as("nothing redirected any more").doesNotContain("mirred");
    }

    @Test
    void aPairImpairmentTakesPrecedenceOverTheLinksOwn() throws Exception {
        warmUp();
        net.namespace("a").link("eth0").impair(Impairment.builder().delay(DELAY).build());
        net.impair("a", "c", Impairment.builder().build());
        assertThat(oneWayMillis("a", "b")).as("a -> b, the link's delay").isGreaterThanOrEqualTo(DELAY.toMillis());
        assertThat(oneWayMillis("a", "c")).as("a -> c, the pair's empty impairment").isLessThan(50);
        net.namespace("a").link("eth0").clearImpairment();
        assertThat(oneWayMillis("a", "b")).isLessThan(50);
        net.clearImpairment("a", "c");
    }

    @Test
    void theShapersOwnDevicesAreNeitherListedNorImpairable() {
        net.impair("a", "b", Impairment.builder().delay(Duration.ofMillis(1)).build());
        assertThat(net.namespace("a").exec("ip", "-o", "link").stdout()).contains("njshape");
        assertThat(net.namespace("a").links()).noneMatch(link -> link.name().startsWith("njshape"));
        String shaperDevice = net.namespace("a").exec("ip", "-o", "link").stdout().lines()
                .filter(line -> line.contains("njshape")).findFirst().orElseThrow()
                .replaceAll("^[0-9]+: (njshape[0-9a-z]*).*", "$1");
        assertThatThrownBy(() -> net.namespace("a").link(shaperDevice)).isInstanceOf(NetnsException.class)
                .hasMessageContaining("has no interface");
    }

    @Test
    void unknownNamesAreRefused() {
        assertThatThrownBy(() -> net.impair("a", "zz", Impairment.builder().build()))
                .isInstanceOf(NetnsException.class).hasMessageContaining("no namespace 'zz'");
        assertThatThrownBy(() -> net.impair("a", "a", Impairment.builder().build()))
                .isInstanceOf(NetnsException.class).hasMessageContaining("itself");
    }

    /** Neighbours resolved both ways first, so no ARP wait is counted. */
    private void warmUp() {
        for (String from : new String[] {"a", "b", "c"}) {
            for (String to : new String[] {"a", "b", "c"}) {
                if (!from.equals(to)) {
                    assertThat(net.namespace(from).ping(to).reachable()).isTrue();
                }
            }
        }
    }

    /** The median one-way time of 5 UDP datagrams (both ends in this JVM: one clock). */
    private long oneWayMillis(String from, String to) throws Exception {
        NetNs sender = net.namespace(from);
        NetNs receiver = net.namespace(to);
        try (DatagramSocket server = receiver.call(() -> new DatagramSocket(7000));
                DatagramSocket client = sender.call(DatagramSocket::new)) {
            server.setSoTimeout(2000);
            long[] times = new long[5];
            for (int i = 0; i < times.length; i++) {
                byte[] payload = ByteBuffer.allocate(8).putLong(System.nanoTime()).array();
                client.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(receiver.address(), 7000)));
                DatagramPacket packet = new DatagramPacket(new byte[8], 8);
                server.receive(packet);
                times[i] = (System.nanoTime() - ByteBuffer.wrap(packet.getData()).getLong()) / 1_000_000;
            }
            java.util.Arrays.sort(times);
            return times[2];
        }
    }
}
