package dev.netns.internal.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The SYN that makes a connection answer: headers and checksums, without a network. */
class ChallengeTriggerTest {

    /** The ones'-complement sum of 16-bit words; a header whose checksum is right sums to 0xffff. */
    private static int sum(byte[] bytes, int from, int to, long start) {
        long sum = start;
        for (int i = from; i < to; i += 2) {
            sum += ((bytes[i] & 0xff) << 8) | (i + 1 < to ? bytes[i + 1] & 0xff : 0);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    @Test
    void anIpv4SynWithRightChecksums() {
        byte[] packet = ChallengeTrigger.syn(new InetSocketAddress("10.0.0.2", 7000), new InetSocketAddress("10.0.0.1", 40000),
                0x12345678);
        assertThat(packet).hasSize(40);
        assertThat(packet[0]).isEqualTo((byte) 0x45);
        assertThat(packet[9]).as("protocol TCP").isEqualTo((byte) 6);
        assertThat(sum(packet, 0, 20, 0)).as("IP header checksum").isEqualTo(0xffff);
        ByteBuffer tcp = ByteBuffer.wrap(packet, 20, 20).slice();
        assertThat(tcp.getShort(0) & 0xffff).isEqualTo(7000);
        assertThat(tcp.getShort(2) & 0xffff).isEqualTo(40000);
        assertThat(tcp.getInt(4)).isEqualTo(0x12345678);
        assertThat(tcp.get(13)).as("flags: SYN alone").isEqualTo((byte) 0x02);
        long pseudo = sum(packet, 12, 20, 0) + 6 + 20;
        assertThat(sum(packet, 20, 40, pseudo)).as("TCP checksum").isEqualTo(0xffff);
    }

    @Test
    void anIpv6SynWithARightChecksum() {
        byte[] packet = ChallengeTrigger.syn(new InetSocketAddress("fd00::2", 7000), new InetSocketAddress("fd00::1", 40000), 1);
        assertThat(packet).hasSize(60);
        assertThat(packet[0] >> 4).isEqualTo(6);
        assertThat(packet[6]).as("next header TCP").isEqualTo((byte) 6);
        long pseudo = sum(packet, 8, 40, 0) + 6 + 20;
        assertThat(sum(packet, 40, 60, pseudo)).as("TCP checksum").isEqualTo(0xffff);
    }
}
