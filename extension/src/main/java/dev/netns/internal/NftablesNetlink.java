package dev.netns.internal;

import dev.netns.internal.model.TopologyModel.NatSpec;
import dev.netns.internal.model.TopologyModel.PortForwardSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The NAT of one namespace as one nf_tables netlink batch: the same table, chains and rules as
 * {@link NftRuleset} writes for {@code nft -f}, encoded as the kernel reads them, and applied
 * atomically without starting a process.
 */
final class NftablesNetlink {

    private static final int NFNL_SUBSYS_NFTABLES = 10;
    private static final int BATCH_BEGIN = 16;
    private static final int BATCH_END = 17;
    private static final int NEWTABLE = NFNL_SUBSYS_NFTABLES << 8;
    private static final int NEWCHAIN = (NFNL_SUBSYS_NFTABLES << 8) | 3;
    private static final int NEWRULE = (NFNL_SUBSYS_NFTABLES << 8) | 6;
    private static final int NLM_F_APPEND = 0x800;
    private static final int CREATE = NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK | NetlinkSocket.NLM_F_CREATE;
    private static final int NESTED = 0x8000;
    private static final int AF_UNSPEC = 0;
    private static final int NFPROTO_IPV4 = 2;

    private static final int HOOK_PREROUTING = 0;
    private static final int HOOK_OUTPUT = 3;
    private static final int HOOK_POSTROUTING = 4;
    private static final int PRIORITY_DSTNAT = -100;
    private static final int PRIORITY_SRCNAT = 100;

    private static final int REG_1 = 1;
    private static final int REG_2 = 2;
    private static final int BASE_NETWORK = 1;
    private static final int BASE_TRANSPORT = 2;
    private static final int META_OIFNAME = 7;
    private static final int META_L4PROTO = 16;
    private static final int FIB_RESULT_ADDRTYPE = 3;
    private static final int FIB_FLAG_DADDR = 2;
    private static final int RTN_LOCAL = 2;
    private static final int NAT_DNAT = 1;
    private static final int DELTABLE = (NFNL_SUBSYS_NFTABLES << 8) | 2;
    private static final int HOOK_INPUT = 1;
    private static final int PRIORITY_FILTER = 0;
    private static final int NF_DROP = 0;

    /** The table that holds a namespace's partitions, apart from the NAT table. */
    static final String PARTITION_TABLE = "netns_junit_partition";

    private NftablesNetlink() {
    }

    /** Applies the NAT of the calling thread's namespace, in one atomic batch. */
    static void apply(List<NatSpec> nats, List<PortForwardSpec> forwards) {
        try (NetlinkSocket socket = NetlinkSocket.open(Libc.NETLINK_NETFILTER)) {
            socket.batch(batch(nats, forwards), "apply the nftables NAT ruleset");
        }
    }

    /** The batch: begin, table, chains, rules, end. Pure: touches no kernel. */
    static List<NetlinkMessage> batch(List<NatSpec> nats, List<PortForwardSpec> forwards) {
        List<NetlinkMessage> messages = new ArrayList<>();
        messages.add(new NetlinkMessage(BATCH_BEGIN, NetlinkSocket.NLM_F_REQUEST).nfgenmsg(AF_UNSPEC, NFNL_SUBSYS_NFTABLES));
        messages.add(new NetlinkMessage(NEWTABLE, CREATE).nfgenmsg(NFPROTO_IPV4, 0).attribute(1, NftRuleset.TABLE));
        if (!forwards.isEmpty()) {
            messages.add(chain("prerouting", HOOK_PREROUTING, PRIORITY_DSTNAT));
            forwards.forEach(forward -> messages.add(dnat("prerouting", forward)));
            messages.add(chain("output", HOOK_OUTPUT, PRIORITY_DSTNAT));
            forwards.forEach(forward -> messages.add(dnat("output", forward)));
        }
        if (!nats.isEmpty()) {
            messages.add(chain("postrouting", HOOK_POSTROUTING, PRIORITY_SRCNAT));
            nats.forEach(nat -> messages.add(masquerade(nat)));
        }
        messages.add(new NetlinkMessage(BATCH_END, NetlinkSocket.NLM_F_REQUEST).nfgenmsg(AF_UNSPEC, NFNL_SUBSYS_NFTABLES));
        return messages;
    }

    private static NetlinkMessage chain(String name, int hook, int priority) {
        return chain(NftRuleset.TABLE, name, hook, priority, "nat");
    }

    private static NetlinkMessage chain(String table, String name, int hook, int priority, String type) {
        return new NetlinkMessage(NEWCHAIN, CREATE).nfgenmsg(NFPROTO_IPV4, 0)
                .attribute(1, table)
                .attribute(3, name)
                .begin(4 | NESTED).attributeBigEndian(1, hook).attributeBigEndian(2, priority).end()
                .attributeBigEndian(5, 1)
                .attribute(7, type);
    }

    /**
     * Replaces the calling thread's namespace's partition table in one atomic batch: every
     * packet from or to one of {@code blocked} is dropped on the way in and out. An empty set
     * removes the table.
     */
    static void applyPartitions(java.util.Collection<Ipv4Address> blocked) {
        try (NetlinkSocket socket = NetlinkSocket.open(Libc.NETLINK_NETFILTER)) {
            socket.batch(partitionBatch(blocked), "apply the nftables partition rules");
        }
    }

    /** The batch that replaces the partition table. Pure: touches no kernel. */
    static List<NetlinkMessage> partitionBatch(java.util.Collection<Ipv4Address> blocked) {
        List<NetlinkMessage> messages = new ArrayList<>();
        messages.add(new NetlinkMessage(BATCH_BEGIN, NetlinkSocket.NLM_F_REQUEST).nfgenmsg(AF_UNSPEC, NFNL_SUBSYS_NFTABLES));
        // create-if-missing, then delete: removes any old table without failing when there is none
        messages.add(new NetlinkMessage(NEWTABLE, CREATE).nfgenmsg(NFPROTO_IPV4, 0).attribute(1, PARTITION_TABLE));
        messages.add(new NetlinkMessage(DELTABLE, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK)
                .nfgenmsg(NFPROTO_IPV4, 0).attribute(1, PARTITION_TABLE));
        if (!blocked.isEmpty()) {
            messages.add(new NetlinkMessage(NEWTABLE, CREATE).nfgenmsg(NFPROTO_IPV4, 0).attribute(1, PARTITION_TABLE));
            messages.add(chain(PARTITION_TABLE, "input", HOOK_INPUT, PRIORITY_FILTER, "filter"));
            messages.add(chain(PARTITION_TABLE, "output", HOOK_OUTPUT, PRIORITY_FILTER, "filter"));
            for (Ipv4Address address : blocked) {
                messages.add(dropAddress("input", 12, address));
                messages.add(dropAddress("output", 16, address));
            }
        }
        messages.add(new NetlinkMessage(BATCH_END, NetlinkSocket.NLM_F_REQUEST).nfgenmsg(AF_UNSPEC, NFNL_SUBSYS_NFTABLES));
        return messages;
    }

    /** {@code ip saddr ADDRESS drop} (offset 12) or {@code ip daddr ADDRESS drop} (offset 16). */
    private static NetlinkMessage dropAddress(String chain, int offset, Ipv4Address address) {
        Rule rule = new Rule(PARTITION_TABLE, chain);
        rule.payload(BASE_NETWORK, offset, 4);
        rule.compare(address.bytes());
        rule.drop();
        return rule.message();
    }

    /** {@code ip saddr SOURCE [oifname "OUT"] masquerade} */
    private static NetlinkMessage masquerade(NatSpec nat) {
        Rule rule = new Rule("postrouting");
        int prefix = nat.source().prefixLength();
        if (prefix > 0) {
            rule.payload(BASE_NETWORK, 12, 4);
            if (prefix < 32) {
                rule.bitwise(mask(prefix), new byte[4]);
            }
            rule.compare(nat.source().network().bytes());
        }
        if (nat.out() != null) {
            rule.meta(META_OIFNAME);
            byte[] name = new byte[16];
            byte[] text = nat.out().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(text, 0, name, 0, text.length);
            rule.compare(name);
        }
        rule.expression("masq");
        return rule.message();
    }

    /** {@code fib daddr type local PROTOCOL dport PORT dnat to ADDRESS:PORT} */
    private static NetlinkMessage dnat(String chain, PortForwardSpec forward) {
        Rule rule = new Rule(chain);
        rule.begin("fib").attributeBigEndian(1, REG_1).attributeBigEndian(2, FIB_RESULT_ADDRTYPE)
                .attributeBigEndian(3, FIB_FLAG_DADDR);
        rule.finish();
        rule.compare(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(RTN_LOCAL).array());
        rule.meta(META_L4PROTO);
        rule.compare(new byte[] {(byte) ("udp".equals(forward.protocol()) ? 17 : 6)});
        rule.payload(BASE_TRANSPORT, 2, 2);
        rule.compare(port(forward.port()));
        rule.immediate(REG_1, forward.to().bytes());
        rule.immediate(REG_2, port(forward.toPort()));
        rule.begin("nat").attributeBigEndian(1, NAT_DNAT).attributeBigEndian(2, NFPROTO_IPV4)
                .attributeBigEndian(3, REG_1).attributeBigEndian(5, REG_2);
        rule.finish();
        return rule.message();
    }

    private static byte[] port(int port) {
        return new byte[] {(byte) (port >>> 8), (byte) port};
    }

    private static byte[] mask(int prefix) {
        int mask = -1 << (32 - prefix);
        return new byte[] {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
    }

    /** One rule being written: its expressions in order. */
    private static final class Rule {

        private final NetlinkMessage message;

        Rule(String chain) {
            this(NftRuleset.TABLE, chain);
        }

        Rule(String table, String chain) {
            message = new NetlinkMessage(NEWRULE, CREATE | NLM_F_APPEND).nfgenmsg(NFPROTO_IPV4, 0)
                    .attribute(1, table)
                    .attribute(2, chain)
                    .begin(4 | NESTED);
        }

        /** Opens an expression and its data; {@link #finish()} closes both. */
        NetlinkMessage begin(String name) {
            return message.begin(1 | NESTED).attribute(1, name).begin(2 | NESTED);
        }

        void finish() {
            message.end().end();
        }

        void expression(String name) {
            message.begin(1 | NESTED).attribute(1, name).end();
        }

        void payload(int base, int offset, int length) {
            begin("payload").attributeBigEndian(1, REG_1).attributeBigEndian(2, base)
                    .attributeBigEndian(3, offset).attributeBigEndian(4, length);
            finish();
        }

        void bitwise(byte[] mask, byte[] xor) {
            begin("bitwise").attributeBigEndian(1, REG_1).attributeBigEndian(2, REG_1).attributeBigEndian(3, mask.length)
                    .begin(4 | NESTED).attribute(1, mask).end()
                    .begin(5 | NESTED).attribute(1, xor).end();
            finish();
        }

        void meta(int key) {
            begin("meta").attributeBigEndian(1, REG_1).attributeBigEndian(2, key);
            finish();
        }

        void compare(byte[] value) {
            begin("cmp").attributeBigEndian(1, REG_1).attributeBigEndian(2, 0)
                    .begin(3 | NESTED).attribute(1, value).end();
            finish();
        }

        void immediate(int register, byte[] value) {
            begin("immediate").attributeBigEndian(1, register)
                    .begin(2 | NESTED).attribute(1, value).end();
            finish();
        }

        /** {@code drop}: the verdict register gets NF_DROP. */
        void drop() {
            begin("immediate").attributeBigEndian(1, 0)
                    .begin(2 | NESTED).begin(2 | NESTED).attributeBigEndian(1, NF_DROP).end().end();
            finish();
        }

        NetlinkMessage message() {
            return message.end();
        }
    }
}
