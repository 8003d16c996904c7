package dev.netns.internal.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The sink's reading of packets and the resets it answers with; pure, no root. */
class SinkPacketTest {

    /** An IPv4 TCP SYN from 198.51.100.2:40000 to 10.33.0.2:7300, sequence 1000, with 4 bytes of options. */
    private static byte[] syn4() {
        ByteBuffer packet = ByteBuffer.allocate(44);
        packet.put((byte) 0x45).put((byte) 0).putShort((short) 44).putInt(0).put((byte) 64).put((byte) 6).putShort((short) 0)
                .put(new byte[] {(byte) 198, 51, 100, 2}).put(new byte[] {10, 33, 0, 2});
        packet.putShort((short) 40000).putShort((short) 7300).putInt(1000).putInt(0)
                .put((byte) (6 << 4)).put((byte) 0x02).putShort((short) 64240).putShort((short) 0).putShort((short) 0)
                .putInt(0x020405b4);
        return packet.array();
    }

    @Test
    void aSynIsReadAsAConnectionAttemptWithItsDestination() {
        SinkPacket packet = SinkPacket.parse(syn4(), 44).orElseThrow();
        assertThat(packet.protocol()).isEqualTo("tcp");
        assertThat(packet.destination()).hasToString("10.33.0.2");
        assertThat(packet.destinationPort()).isEqualTo(7300);
        assertThat(packet.opensConnection()).isTrue();
        assertThat(packet.wantsReset()).isTrue();
    }

    @Test
    void theResetAcknowledgesTheSynAndItsChecksumsHold() {
        byte[] reset = SinkPacket.parse(syn4(), 44).orElseThrow().reset();
        ByteBuffer in = ByteBuffer.wrap(reset);
        assertThat(reset).hasSize(40);
        assertThat(SinkPacket.checksum(reset, 20)).as("IPv4 header checksum").isZero();
        assertThat(in.getShort(20) & 0xffff).as("from the port that was called").isEqualTo(7300);
        assertThat(in.getShort(22) & 0xffff).isEqualTo(40000);
        assertThat(in.getInt(24)).as("sequence of a reset to a SYN").isZero();
        assertThat(in.getInt(28)).as("acknowledges the SYN").isEqualTo(1001);
        assertThat(reset[33]).as("RST and ACK").isEqualTo((byte) 0x14);
        ByteBuffer pseudo = ByteBuffer.allocate(12 + 20);
        pseudo.put(reset, 12, 8).put((byte) 0).put((byte) 6).putShort((short) 20).put(reset, 20, 20);
        assertThat(SinkPacket.checksum(pseudo.array(), pseudo.capacity())).as("TCP checksum").isZero();
        SinkPacket answer = SinkPacket.parse(reset, reset.length).orElseThrow();
        assertThat(answer.wantsReset()).as("a reset is never answered").isFalse();
        assertThat(answer.opensConnection()).isFalse();
    }

    @Test
    void otherProtocolsAndShortPacketsAreLeftAlone() {
        byte[] icmp = syn4();
        icmp[9] = 1;
        assertThat(SinkPacket.parse(icmp, 44)).isEmpty();
        assertThat(SinkPacket.parse(syn4(), 19)).isEmpty();
    }
}
