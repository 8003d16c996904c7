package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Captures hold the test's own ICMP and TCP packets, decoded, and a pcap file tcpdump reads. */
class CaptureIT {

    @Test
    void aCaptureHoldsThePingsAndTheConnectionOfTheTest() throws Exception {
        try (Topology net = Topology.builder()
                .namespace("red").namespace("blue")
                .veth("red", "10.9.0.1/24", "blue", "10.9.0.2/24")
                .start()) {
            NetNs red = net.namespace("red");
            NetNs blue = net.namespace("blue");
            Capture capture = blue.capture("eth0");
            try (ServerSocket server = blue.call(() -> new ServerSocket(8080))) {
                assertThat(red.ping("blue").reachable()).isTrue();
                red.call(() -> {
                    new java.net.Socket("10.9.0.2", 8080).close();
                    return null;
                });
            }
            capture.close();
            List<CapturedPacket> packets = capture.packets();

            assertThat(packets).anyMatch(p -> p.protocol().equals("arp"));
            assertThat(packets).anyMatch(p -> p.protocol().equals("icmp") && p.source().equals("10.9.0.1")
                    && p.destination().equals("10.9.0.2"));
            assertThat(packets).anyMatch(p -> p.protocol().equals("icmp") && p.source().equals("10.9.0.2"));
            assertThat(packets).anyMatch(p -> p.protocol().equals("tcp") && p.destinationPort() == 8080
                    && p.source().equals("10.9.0.1"));
            assertThat(packets).anyMatch(p -> p.protocol().equals("tcp") && p.sourcePort() == 8080);

            assertThat(Files.size(capture.file())).isGreaterThan(24);
            Process tcpdump = new ProcessBuilder("tcpdump", "-n", "-r", capture.file().toString()).start();
            String read = new String(tcpdump.getInputStream().readAllBytes());
            assertThat(tcpdump.waitFor()).isZero();
            assertThat(read).contains("10.9.0.1 > 10.9.0.2: ICMP echo request").contains("10.9.0.2.8080");
            assertThat(read.strip().split("\n")).hasSize(packets.size());
            capture.close();
        }
    }

    @Test
    void aCaptureOnAMissingInterfaceSaysSo() {
        try (Topology net = Topology.builder().namespace("red").namespace("blue").veth("red", "10.0.0.1/24", "blue", null).start()) {
            assertThatThrownBy(() -> net.namespace("red").capture("wlan0")).isInstanceOf(NetnsException.class)
                    .hasMessage("capture: namespace 'red' has no interface 'wlan0' (it has: lo, eth0)");
            assertThatThrownBy(() -> net.namespace("red").capture("eht0")).isInstanceOf(NetnsException.class)
                    .hasMessage("capture: namespace 'red' has no interface 'eht0' (did you mean 'eth0'? it has: lo, eth0)");
        }
    }
}
