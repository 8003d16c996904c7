package dev.netns.internal.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class NetlinkMessageTest {

    @Test
    void headerCarriesLengthTypeFlagsAndSequence() {
        byte[] bytes = new NetlinkMessage(16, 0x605).ifinfomsg(0, 0, 1, 1).toBytes(42);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());

        assertThat(bytes).hasSize(16 + 16);
        assertThat(buffer.getInt(0)).isEqualTo(32);
        assertThat(buffer.getShort(4)).isEqualTo((short) 16);
        assertThat(buffer.getShort(6)).isEqualTo((short) 0x605);
        assertThat(buffer.getInt(8)).isEqualTo(42);
        assertThat(buffer.getInt(24)).isEqualTo(1);
    }

    @Test
    void stringAttributesAreNulTerminatedAndPaddedToFourBytes() {
        byte[] bytes = new NetlinkMessage(16, 1).attribute(3, "eth0").toBytes(1);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());

        assertThat(buffer.getShort(16)).isEqualTo((short) 9);
        assertThat(buffer.getShort(18)).isEqualTo((short) 3);
        assertThat(new String(bytes, 20, 4)).isEqualTo("eth0");
        assertThat(bytes[24]).isZero();
        assertThat(bytes).hasSize(28);
    }

    @Test
    void nestedAttributesMeasureEverythingInside() {
        byte[] bytes = new NetlinkMessage(16, 1)
                .begin(18).attribute(1, "veth").begin(2).attributeInt(5, 7).end().end()
                .toBytes(1);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());

        assertThat(buffer.getShort(16)).isEqualTo((short) (4 + 12 + 12));
        assertThat(buffer.getShort(32)).isEqualTo((short) 12);
        assertThat(buffer.getInt(40)).isEqualTo(7);
    }
}
