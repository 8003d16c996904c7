package dev.netns.internal.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.SocketInfo;
import dev.netns.internal.model.IpAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nf_tables batches of partitions and resets, by their shape: which tables, chains and expressions, in order. */
class PartitionBatchTest {

    /** The strings a message carries (table, chain and expression names), in order. */
    private static String names(NetlinkMessage message) {
        String bytes = new String(message.toBytes(1), StandardCharsets.ISO_8859_1);
        StringBuilder names = new StringBuilder();
        for (String word : List.of("netns_junit_partition", "netns_junit_reset", "input", "output", "payload", "cmp",
                "meta", "immediate", "reject")) {
            int at = -1;
            while ((at = bytes.indexOf(word + "\0", at + 1)) >= 0) {
                names.append(word).append('@').append(at).append(' ');
            }
        }
        return names.toString();
    }

    @Test
    void anEmptyPartitionOnlyRemovesTheTables() {
        List<NetlinkMessage> batch = NftablesNetlink.partitionBatch(List.of(), List.of());
        // begin, (create + delete) for ip and ip6, end
        assertThat(batch).hasSize(6);
    }

    @Test
    void dropsGoInTheInputAfterTheLoopbackExceptionAndRejectsInTheOutput() {
        List<NetlinkMessage> batch = NftablesNetlink.partitionBatch(List.of(IpAddress.parse("10.0.0.2")),
                List.of(IpAddress.parse("10.0.0.3")));
        // begin; ip: create, delete, table, input chain, lo accept, drop, output chain, tcp reset, icmp reject; ip6: create, delete; end
        assertThat(batch).hasSize(13);
        assertThat(names(batch.get(5))).as("lo accept").contains("meta", "cmp", "immediate").doesNotContain("reject");
        assertThat(names(batch.get(6))).as("ip saddr drop").contains("input", "payload", "cmp", "immediate");
        assertThat(names(batch.get(8))).as("tcp reset").contains("output", "meta", "reject");
        assertThat(names(batch.get(9))).as("icmp reject").contains("output", "reject").doesNotContain("meta@");
    }

    @Test
    void aResetRuleMatchesTheFourTupleOfOneConnection() {
        SocketInfo connection = new SocketInfo("tcp", new InetSocketAddress("10.0.0.1", 40000),
                new InetSocketAddress("10.0.0.2", 7000), "ESTABLISHED");
        List<NetlinkMessage> batch = NftablesNetlink.resetBatch(List.of(connection));
        // begin; ip: create, delete, table, output chain, rule; ip6: create, delete; end
        assertThat(batch).hasSize(9);
        String rule = names(batch.get(5));
        assertThat(rule.split("payload@", -1)).as("two addresses and two ports").hasSize(5);
        assertThat(rule).contains("netns_junit_reset", "reject");
        assertThat(NftablesNetlink.resetBatch(List.of())).hasSize(6);
    }
}
