package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netns.assertj.NetnsAssertions;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shaper's defects found by probing it: each test failed before its fix. */
class ShaperDefectsIT {

    private static final Duration HOLD = Duration.ofMillis(2);

    private Topology net;
    private NetNs red;
    private NetNs blue;

    @BeforeEach
    void start() {
        net = Topology.builder().namespace("red").namespace("blue")
                .veth("red", "10.7.0.1/24", "blue", "10.7.0.2/24", 9000, null, null).start();
        red = net.namespace("red");
        blue = net.namespace("blue");
        assertThat(red.ping("blue").reachable()).isTrue();
        assertThat(blue.ping("red").reachable()).isTrue();
    }

    @AfterEach
    void close() {
        net.close();
    }

    @Test
    void framesAsLargeAsTheCablesMtuPassAlsoWhenItChanges() throws Exception {
        red.link("eth0").impair(Impairment.builder().delay(HOLD).build());
        assertThat(datagramsArriving(8000, 20)).as("8000-byte datagrams at MTU 9000").isEqualTo(20);
        for (NetNs end : new NetNs[] {red, blue}) {
            assertThat(end.exec("ip", "link", "set", "eth0", "mtu", "65535").succeeded()).isTrue();
        }
        assertThat(datagramsArriving(65_000, 20)).as("65000-byte datagrams at MTU 65535").isEqualTo(20);
    }

    @Test
    void aSendErrorDropsThatFrameAndTheShaperGoesOn() throws Exception {
        red.link("eth0").impair(Impairment.builder().delay(HOLD).build());
        blue.link("eth0").down();
        // sent while the far end is down: the shaper's sends fail
        red.call(() -> {
            try (DatagramSocket client = new DatagramSocket()) {
                for (int i = 0; i < 300; i++) {
                    client.send(new DatagramPacket(new byte[1000], 1000, new InetSocketAddress("10.7.0.2", 9)));
                }
            }
            return null;
        });
        Thread.sleep(100);
        ImpairmentStatistics refused = red.link("eth0").impairmentStatistics();
        blue.link("eth0").up();
        assertThat(refused.sendErrors()).as("%s", refused).isPositive();
        assertThat(refused.lastSendError()).isNotEmpty();
        assertThat(refused.failure()).isEmpty();
        // the link works again once the cable is back
        NetnsAssertions.assertThat(red).within(Duration.ofSeconds(10)).canPing("blue");
    }

    @Test
    void aSlowerRateInForceGivesWayToANewImpairmentAtOnce() throws Exception {
        red.link("eth0").impair(Impairment.builder().rate(1000).build());
        sendDatagrams(50, 1000);
        red.link("eth0").impair(Impairment.builder().loss(0).build());
        assertThat(red.ping("blue", Duration.ofSeconds(1)).reachable()).as("right after the change").isTrue();
    }

    @Test
    void aLongDelayInForceGivesWayToANewImpairmentAtOnce() throws Exception {
        red.link("eth0").impair(Impairment.builder().delay(Duration.ofHours(1)).build());
        sendDatagrams(20_000, 100);
        red.link("eth0").impair(Impairment.builder().loss(0).build());
        assertThat(red.ping("blue", Duration.ofSeconds(1)).reachable()).as("right after the change").isTrue();
    }

    @Test
    void aShaperThatStopsMakesTheNextCheckFailWithTheReasonUntilImpairedAgain() {
        red.link("eth0").impair(Impairment.builder().delay(HOLD).build());
        String device = red.exec("ip", "-o", "link").stdout().lines().filter(line -> line.contains("njshape"))
                .findFirst().orElseThrow().replaceAll("^[0-9]+: (njshape[0-9a-z]*)[@:].*", "$1");
        assertThat(red.exec("ip", "link", "del", device).succeeded()).isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> red.link("eth0").impairmentStatistics().failure().isPresent());
        assertThatThrownBy(() -> NetnsAssertions.assertThat(red).canPing("blue"))
                .hasMessageContaining("shaping stopped").hasMessageContaining("red:eth0");
        red.link("eth0").impair(Impairment.builder().delay(HOLD).build());
        assertThat(red.link("eth0").impairmentStatistics().failure()).isEmpty();
        NetnsAssertions.assertThat(red).canPing("blue");
    }

    @Test
    void everyFrameIsCountedOnce() throws Exception {
        red.link("eth0").impair(Impairment.builder().loss(30).duplicate(10).seed(9).build());
        sendDatagrams(1000, 100);
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            ImpairmentStatistics stats = red.link("eth0").impairmentStatistics();
            assertThat(stats.frames()).as("%s", stats).isGreaterThanOrEqualTo(1000);
            assertThat(stats.sent() + stats.dropped() + stats.held()).as("%s", stats)
                    .isEqualTo(stats.frames() + stats.duplicated());
        });
        ImpairmentStatistics stats = red.link("eth0").impairmentStatistics();
        assertThat(stats.lost()).as("%s", stats).isBetween(200L, 400L);
        assertThat(stats.duplicated()).as("%s", stats).isBetween(30L, 120L);
        red.link("eth0").clearImpairment();
        assertThat(red.link("eth0").impairmentStatistics()).isEqualTo(ImpairmentStatistics.NONE);
    }

    private void sendDatagrams(int count, int size) throws Exception {
        red.call(() -> {
            try (DatagramSocket client = new DatagramSocket()) {
                for (int i = 0; i < count; i++) {
                    client.send(new DatagramPacket(new byte[size], size, new InetSocketAddress("10.7.0.2", 9)));
                }
            }
            return null;
        });
    }

    /** Sends {@code count} datagrams of {@code size} bytes red to blue; how many arrived. */
    private int datagramsArriving(int size, int count) throws Exception {
        try (DatagramSocket server = blue.call(() -> new DatagramSocket(9000))) {
            server.setReceiveBufferSize(8 << 20);
            server.setSoTimeout(1000);
            red.call(() -> {
                try (DatagramSocket client = new DatagramSocket()) {
                    for (int i = 0; i < count; i++) {
                        client.send(new DatagramPacket(new byte[size], size, new InetSocketAddress("10.7.0.2", 9000)));
                        Thread.sleep(2);
                    }
                }
                return null;
            });
            int arrived = 0;
            byte[] buffer = new byte[65_536];
            try {
                while (arrived < count) {
                    server.receive(new DatagramPacket(buffer, buffer.length));
                    arrived++;
                }
            } catch (SocketTimeoutException done) {
                // counted
            }
            return arrived;
        }
    }
}
