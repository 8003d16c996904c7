package dev.netns.internal.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import dev.netns.internal.model.Cidr;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.model.TopologyModel.NatSpec;
import dev.netns.internal.model.TopologyModel.PortForwardSpec;
import dev.netns.internal.namespace.NamespaceThread;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nf_tables batch, written by netlink, reads back through {@code nft} as the ruleset we render. */
class NftablesNetlinkIT {

    @Test
    void theKernelHoldsExactlyTheRenderedRuleset() throws Exception {
        List<NatSpec> nats = List.of(
                new NatSpec("host", Cidr.parse("192.168.15.0/24"), null, "o"),
                new NatSpec("host", Cidr.parse("10.0.0.0/8"), "eth1", "o"),
                new NatSpec("host", Cidr.parse("172.16.0.9/32"), null, "o"),
                new NatSpec("host", Cidr.DEFAULT, "eth2", "o"));
        List<PortForwardSpec> forwards = List.of(
                new PortForwardSpec("host", 8080, IpAddress.parse("192.168.15.2"), 80, "tcp", "o"),
                new PortForwardSpec("host", 5353, IpAddress.parse("10.0.0.2"), 53, "udp", "o"));
        try (NamespaceThread namespace = NamespaceThread.start("netns-junit-test-nft")) {
            namespace.run(() -> {
                NftablesNetlink.apply(nats, forwards);
                return null;
            });
            Process nft = new ProcessBuilder("nsenter", "--net=" + namespace.path(), "nft", "list", "ruleset").start();
            String listed = new String(nft.getInputStream().readAllBytes());
            assertThat(nft.waitFor()).isZero();

            assertThat(normalize(listed)).isEqualTo(normalize(NftRuleset.render(nats, forwards)));
        }
    }

    @Test
    void aRefusedMessageIsReportedWithItsErrno() throws Exception {
        List<NetlinkMessage> batch = new ArrayList<>(NftablesNetlink.batch(List.of(), FORWARD));
        // without its table, the first chain is refused
        batch.remove(1);

        KernelException refused = applyWithin2Seconds(batch);

        assertThat(refused.errno()).isEqualTo(2);
        assertThat(refused).hasMessageStartingWith("apply a batch: No such file or directory");
    }

    @Test
    void aRefusedBatchIsReportedAtOnceNotAfterTheReceiveTimeout() throws Exception {
        List<NetlinkMessage> batch = new ArrayList<>(NftablesNetlink.batch(List.of(), FORWARD));
        // a batch for a subsystem that does not exist: the kernel refuses its begin and answers nothing else
        batch.set(0, new NetlinkMessage(16, Netlink.NLM_F_REQUEST).nfgenmsg(0, 99));

        KernelException refused = applyWithin2Seconds(batch);

        assertThat(refused.errno()).isEqualTo(22);
        assertThat(refused).hasMessageStartingWith("apply a batch: Invalid argument");
    }

    private static final List<PortForwardSpec> FORWARD =
            List.of(new PortForwardSpec("host", 8080, IpAddress.parse("10.0.0.2"), 80, "tcp", "o"));

    /** Applies {@code batch} in a fresh namespace; the refusal must not wait out the socket's 5 s receive timeout. */
    private static KernelException applyWithin2Seconds(List<NetlinkMessage> batch) throws Exception {
        try (NamespaceThread namespace = NamespaceThread.start("netns-junit-test-nft-refused")) {
            KernelException refused = assertTimeout(Duration.ofSeconds(2), () -> namespace.run(() -> {
                try (NetlinkSocket socket = NetlinkSocket.open(Libc.NETLINK_NETFILTER)) {
                    socket.batch(batch, "apply a batch");
                    return null;
                } catch (KernelException e) {
                    return e;
                }
            }), "a refusal must be reported at once");
            assertThat(refused).as("the kernel refused the batch").isNotNull();
            return refused;
        }
    }

    private static String normalize(String ruleset) {
        return ruleset.lines().map(String::strip).filter(line -> !line.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
