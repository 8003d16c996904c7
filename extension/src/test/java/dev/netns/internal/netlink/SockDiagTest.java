package dev.netns.internal.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * sock_diag requests and replies on bytes recorded from this kernel (6.18, x86_64): a listening
 * and an established TCP socket of a Java server (dual-stack, so IPv6 with v4-mapped addresses,
 * as {@code ss} prints them) and an unconnected UDP socket on an IPv6 address.
 */
class SockDiagTest {

    private static final String LISTEN = "0a0a00001b58000000000000000000000000ffff0a01000200000000000000000000000000000000"
            + "000000000a00000000000000000000000000000032000000000000009fa40200050008000000000005000b00000000000800"
            + "0f00000000000c00150001000000000000000600160012000000";
    private static final String ESTABLISHED = "0a0100001b58cf8e00000000000000000000ffff0a01000200000000000000000000ffff"
            + "0a010001000000000b0000000000000000000000000000000000000000000000c0a40200050008000000000008000f000000"
            + "00000c00150001000000000000000600160012000000";
    private static final String UDP6 = "0a07000014e90000fd010000000000000000000000000002000000000000000000000000000000"
            + "000000000009000000000000000000000000000000000000000000000077900200050008000000000005000b00010000000800"
            + "0f00000000000c00150001000000000000000600160010000000";

    @BeforeAll
    static void fixturesAreInThisMachinesByteOrder() {
        assertThat(ByteOrder.nativeOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer bytes(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex)).order(ByteOrder.nativeOrder());
    }

    @Test
    void decodesListeningAndEstablishedTcpSockets() {
        List<SockDiag.Entry> entries = SockDiag.decode(SockDiag.IPPROTO_TCP, List.of(bytes(LISTEN), bytes(ESTABLISHED)));
        assertThat(entries).extracting(entry -> entry.info().toString())
                .containsExactly("tcp LISTEN 10.1.0.2:7000 *", "tcp ESTABLISHED 10.1.0.2:7000 10.1.0.1:53134");
        assertThat(entries.get(0).info().remote()).isNull();
        assertThat(entries.get(1).family()).isEqualTo(SockDiag.AF_INET6);
        assertThat(entries.get(1).state()).isEqualTo(1);
        // the id is kept byte for byte, cookie included, to name the socket to SOCK_DESTROY
        assertThat(HexFormat.of().formatHex(entries.get(1).id())).isEqualTo(ESTABLISHED.substring(8, 8 + 96));
    }

    @Test
    void decodesAnUnconnectedUdpSocket() {
        List<SockDiag.Entry> entries = SockDiag.decode(SockDiag.IPPROTO_UDP, List.of(bytes(UDP6)));
        assertThat(entries).extracting(entry -> entry.info().toString()).containsExactly("udp UNCONN [fd01:0:0:0:0:0:0:2]:5353 *");
    }

    @Test
    void encodesADumpRequestAndADestroyOfOneSocket() {
        assertThat(HexFormat.of().formatHex(SockDiag.dumpRequest(SockDiag.AF_INET, SockDiag.IPPROTO_TCP, -1).toBytes(1)))
                .isEqualTo("48000000" + "1400" + "0103" + "01000000" + "00000000" + "02060000" + "ffffffff" + "00".repeat(48));
        SockDiag.Entry established = SockDiag.decode(SockDiag.IPPROTO_TCP, List.of(bytes(ESTABLISHED))).get(0);
        assertThat(HexFormat.of().formatHex(SockDiag.destroyRequest(established).toBytes(7)))
                .isEqualTo("48000000" + "1500" + "0500" + "07000000" + "00000000" + "0a060000" + "ffffffff"
                        + ESTABLISHED.substring(8, 8 + 96));
    }

    @Test
    void namesStatesAsSsDoes() {
        assertThat(SockDiag.stateName(SockDiag.IPPROTO_TCP, 2)).isEqualTo("SYN-SENT");
        assertThat(SockDiag.stateName(SockDiag.IPPROTO_TCP, 10)).isEqualTo("LISTEN");
        assertThat(SockDiag.stateName(SockDiag.IPPROTO_TCP, 6)).isEqualTo("TIME-WAIT");
        assertThat(SockDiag.stateName(SockDiag.IPPROTO_UDP, 1)).isEqualTo("ESTABLISHED");
    }
}
