package dev.netns.samples;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.Capture;
import dev.netns.CapturedPacket;
import dev.netns.NetNs;
import dev.netns.Topology;
import dev.netns.junit.Bridge;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.VethPair;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Feature sample: three nodes on one switch; a partition between two of them and its heal; a
 * cable pulled out and plugged back in; a capture of what crossed a cable. Names stand for
 * addresses everywhere.
 */
@NetnsTest
@Namespace("node1")
@Namespace("node2")
@Namespace("node3")
@Bridge("switch")
@VethPair(left = "node1", leftAddress = "10.40.0.1/24", right = "switch")
@VethPair(left = "node2", leftAddress = "10.40.0.2/24", right = "switch")
@VethPair(left = "node3", leftAddress = "10.40.0.3/24", right = "switch")
class PartitionAndLinkFailureTest {

    @Namespace("node1") NetNs node1;
    @Namespace("node2") NetNs node2;
    @Namespace("node3") NetNs node3;

    @Test
    void aPartitionSeparatesTwoNodesAndLeavesTheThirdAlone(Topology net) {
        net.partition("node1", "node2");

        assertThat(node1).cannotPing("node2");
        assertThat(node2).cannotPing("node1");
        assertThat(node3).canPing("node1").canPing("node2");

        net.heal("node1", "node2");

        assertThat(node1).within(Duration.ofSeconds(5)).canPing("node2");
    }

    @Test
    void aPulledCableComesBack() {
        node3.link("eth0").down();
        assertThat(node1).cannotPing("node3");

        node3.link("eth0").up();

        assertThat(node1).within(Duration.ofSeconds(5)).canPing("node3");
        assertThat(node3).hasLink("eth0").isUp().hasCarrier();
    }

    @Test
    void aCaptureShowsWhoTalked() {
        try (Capture capture = node2.capture("eth0")) {
            assertThat(node1).canPing("node2");
            capture.close();

            assertThat(capture.packets()).extracting(CapturedPacket::protocol).contains("arp", "icmp");
            assertThat(capture.packets()).anyMatch(p -> p.protocol().equals("icmp") && p.source().equals("10.40.0.1"));
            assertThat(capture.file()).isRegularFile();   // tcpdump -r or Wireshark read it
        }
    }

    @Test
    void programsKnowTheNodesByName() {
        assertThat(node1.exec("getent", "hosts", "node3").stdout()).startsWith("10.40.0.3");
    }
}
