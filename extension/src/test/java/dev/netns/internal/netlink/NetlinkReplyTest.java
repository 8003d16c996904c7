package dev.netns.internal.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netns.LinkInfo;
import dev.netns.internal.system.KernelException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parsing of kernel replies from recorded bytes: an acknowledgement, a refusal with the kernel's
 * extended-ack text, a multipart link dump. The fixtures are little-endian, as x86_64 and arm64
 * kernels send them.
 */
class NetlinkReplyTest {

    @BeforeAll
    static void fixturesAreInThisMachinesByteOrder() {
        assertThat(ByteOrder.nativeOrder()).as("the fixtures are recorded little-endian").isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    /** Bytes from hex, spaces allowed; text between quotes as ASCII. */
    private static ByteBuffer bytes(String... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String part : parts) {
            if (part.startsWith("\"")) {
                out.writeBytes(part.substring(1, part.length() - 1).getBytes(StandardCharsets.US_ASCII));
            } else {
                out.writeBytes(HexFormat.of().parseHex(part.replace(" ", "")));
            }
        }
        return ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.nativeOrder());
    }

    private static final String ROUTE_REQUEST_HEADER = "20000000 1800 0506 07000000 00000000";

    @Test
    void anAcknowledgementIsAnErrorMessageWithErrorZero() {
        List<NetlinkReply> replies = NetlinkReply.split(bytes(
                "24000000 0200 0001 07000000 00000000", "00000000", ROUTE_REQUEST_HEADER));

        assertThat(replies).singleElement().satisfies(ack -> {
            assertThat(ack.isError()).isTrue();
            assertThat(ack.sequence()).isEqualTo(7);
            assertThat(ack.errno()).isZero();
            assertThat(ack.kernelText()).isNull();
        });
        replies.get(0).throwIfRefused("add route");
    }

    @Test
    void aRefusalCarriesErrnoAndTheKernelsOwnWords() {
        NetlinkReply refusal = NetlinkReply.split(bytes(
                "44000000 0200 0003 07000000 00000000", "efffffff", ROUTE_REQUEST_HEADER,
                "2000 0100", "\"Nexthop has invalid gateway\"", "00")).get(0);

        assertThat(refusal.errno()).isEqualTo(17);
        assertThat(refusal.kernelText()).isEqualTo("Nexthop has invalid gateway");
        assertThatThrownBy(() -> refusal.throwIfRefused("add route 10.9.0.0/16 via 10.0.0.9"))
                .isInstanceOf(KernelException.class)
                .hasMessage("add route 10.9.0.0/16 via 10.0.0.9: File exists (errno 17) - kernel says: Nexthop has invalid gateway")
                .extracting(e -> ((KernelException) e).errno()).isEqualTo(17);
    }

    /** lo and a veth end eth0, then the end of the dump, all in one datagram. */
    private static ByteBuffer linkDump() {
        return bytes(
                "30000000 1000 0200 01000000 00000000",
                "0000 0403 01000000 49000100 00000000",
                "0700 0300", "\"lo\"", "00 00",
                "0800 0400 00000100",
                "50000000 1000 0200 01000000 00000000",
                "0000 0100 e8030000 43100100 00000000",
                "0900 0300", "\"eth0\"", "00 000000",
                "0800 0400 dc050000",
                "0a00 0100 020000000001 0000",
                "1000 1200 0900 0100", "\"veth\"", "00 000000",
                "14000000 0300 0200 01000000 00000000 00000000");
    }

    @Test
    void aMultipartDumpSplitsIntoItsMessagesAndEndsWithDone() {
        List<NetlinkReply> replies = NetlinkReply.split(linkDump());

        assertThat(replies).extracting(NetlinkReply::type).containsExactly(16, 16, Netlink.NLMSG_DONE);
        assertThat(replies).allMatch(reply -> (reply.flags() & Netlink.NLM_F_MULTI) != 0);
        assertThat(replies.get(2).isDone()).isTrue();
        assertThat(replies.get(1).payload().remaining()).isEqualTo(0x50 - Netlink.HEADER_LENGTH);
    }

    @Test
    void linksAreDecodedWithNameKindFlagsMacAndMtu() {
        List<ByteBuffer> payloads = NetlinkReply.split(linkDump()).stream()
                .filter(reply -> !reply.isDone()).map(NetlinkReply::payload).toList();

        assertThat(NetlinkInspector.decodeLinks(payloads)).containsExactly(
                new LinkInfo(1, "lo", "", true, true, "", 65536, null),
                new LinkInfo(1000, "eth0", "veth", true, true, "02:00:00:00:00:01", 1500, null));
    }

    @Test
    void aTruncatedDatagramYieldsTheWholeMessagesOnly() {
        ByteBuffer dump = linkDump();
        ByteBuffer truncated = dump.slice(0, 0x30 + 20).order(ByteOrder.nativeOrder());

        assertThat(NetlinkReply.split(truncated)).hasSize(1);
    }

    @Test
    void attributesStopAtALengthThatRunsPastTheMessage() {
        ByteBuffer broken = bytes("0800 0400 dc050000", "4000 0300", "\"eth0\"");

        NetlinkAttributes attributes = NetlinkAttributes.parse(broken, 0);
        assertThat(attributes.integer(Rtnetlink.IFLA_MTU)).isEqualTo(1500);
        assertThat(attributes.has(Rtnetlink.IFLA_IFNAME)).isFalse();
    }
}
