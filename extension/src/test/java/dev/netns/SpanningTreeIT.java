package dev.netns;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A ring of three bridges is a loop: with spanning tree it settles and carries traffic, without a storm. */
class SpanningTreeIT {

    @Test
    void aRingOfBridgesWithSpanningTreeSettlesAndCarriesTraffic() {
        Topology.Builder ring = Topology.builder().namespace("h1").namespace("h3");
        for (String bridge : new String[] {"br1", "br2", "br3"}) {
            ring.bridge(bridge, null, "host", false, true);
        }
        try (Topology net = ring
                .veth("br1", null, "br2", null)
                .veth("br2", null, "br3", null)
                .veth("br3", null, "br1", null)
                .veth("h1", "10.80.0.1/24", "br1", null)
                .veth("h3", "10.80.0.3/24", "br3", null)
                .start()) {
            long started = System.nanoTime();
            assertThat(net.namespace("h1")).within(Duration.ofSeconds(10)).canPing("h3");
            long settledMillis = (System.nanoTime() - started) / 1_000_000;
            // one cable of the ring is out (its two ports disabled): a broadcast (ARP) does not circle forever
            String ports = net.namespace("host").exec("bridge", "link", "show").stdout();
            assertThat(ports.lines().filter(line -> line.contains("state disabled"))).as(ports).hasSize(2);
            // a storm would keep the bridges busy: the ring carries only the few frames of the test
            String counters = net.namespace("host").exec("ip", "-s", "link", "show", "br2").stdout();
            long received = Long.parseLong(counters.lines().dropWhile(line -> !line.strip().startsWith("RX:"))
                    .skip(1).findFirst().orElseThrow().strip().split("\\s+")[1]);
            assertThat(received).as("frames br2 received").isLessThan(200);
            assertThat(settledMillis).as("no spanning-tree wait").isLessThan(3000);
        }
    }
}
