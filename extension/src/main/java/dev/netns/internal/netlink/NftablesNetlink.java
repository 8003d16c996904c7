package dev.netns.internal.netlink;

import dev.netns.SocketInfo;
import dev.netns.internal.model.Cidr;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.model.TopologyModel.NatSpec;
import dev.netns.internal.model.TopologyModel.PortForwardSpec;
import dev.netns.internal.system.Libc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The NAT of one namespace as one nf_tables netlink batch: the same table, chains and rules as
 * {@link NftRuleset} writes for {@code nft -f}, encoded as the kernel reads them, and applied
 * atomically without starting a process.
 */
public final class NftablesNetlink {

    private static final int NFNL_SUBSYS_NFTABLES = 10;
    private static final int BATCH_BEGIN = 16;
    private static final int BATCH_END = 17;
    private static final int NEWTABLE = NFNL_SUBSYS_NFTABLES << 8;
    private static final int NEWCHAIN = (NFNL_SUBSYS_NFTABLES << 8) | 3;
    private static final int NEWRULE = (NFNL_SUBSYS_NFTABLES << 8) | 6;
    private static final int CREATE = Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE;
    private static final int AF_UNSPEC = 0;
    private static final int NFPROTO_IPV4 = 2;
    private static final int NFPROTO_IPV6 = 10;
    private static final int NF_ACCEPT = 1;
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_UDP = 17;

    private static final int NFTA_TABLE_NAME = 1;
    private static final int NFTA_CHAIN_TABLE = 1;
    private static final int NFTA_CHAIN_NAME = 3;
    private static final int NFTA_CHAIN_HOOK = 4;
    private static final int NFTA_CHAIN_POLICY = 5;
    private static final int NFTA_CHAIN_TYPE = 7;
    private static final int NFTA_HOOK_HOOKNUM = 1;
    private static final int NFTA_HOOK_PRIORITY = 2;
    private static final int NFTA_FIB_DREG = 1;
    private static final int NFTA_FIB_RESULT = 2;
    private static final int NFTA_FIB_FLAGS = 3;
    private static final int NFTA_NAT_TYPE = 1;
    private static final int NFTA_NAT_FAMILY = 2;
    private static final int NFTA_NAT_REG_ADDR_MIN = 3;
    private static final int NFTA_NAT_REG_PROTO_MIN = 5;

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
    private static final int META_IIF = 4;
    private static final int LOOPBACK_INDEX = 1;
    private static final int NFTA_REJECT_TYPE = 1;
    private static final int NFTA_REJECT_ICMP_CODE = 2;
    private static final int NFT_REJECT_ICMP_UNREACH = 0;
    private static final int NFT_REJECT_TCP_RST = 1;
    private static final int ICMP_PORT_UNREACH = 3;
    private static final int ICMPV6_PORT_UNREACH = 4;

    /** The table that holds a namespace's partitions, apart from the NAT table. */
    static final String PARTITION_TABLE = "netns_junit_partition";

    /** The table that lives for the instant of a {@code resetConnections}. */
    static final String RESET_TABLE = "netns_junit_reset";

    private NftablesNetlink() {
    }

    /** Applies the NAT of the calling thread's namespace, in one atomic batch. */
    public static void apply(List<NatSpec> nats, List<PortForwardSpec> forwards) {
        try (NetlinkSocket socket = NetlinkSocket.open(Libc.NETLINK_NETFILTER)) {
            socket.batch(batch(nats, forwards), "apply the nftables NAT ruleset");
        }
    }

    /**
     * The batch: begin, the IPv4 table (masquerades, IPv4 port forwards, and a masquerade of
     * loopback sources so that forwards also work for {@code 127.0.0.1}), the IPv6 table (IPv6 port
     * forwards), end. Pure: touches no kernel.
     */
    static List<NetlinkMessage> batch(List<NatSpec> nats, List<PortForwardSpec> forwards) {
        List<PortForwardSpec> forwards4 = forwards.stream().filter(forward -> forward.to().isIpv4()).toList();
        List<PortForwardSpec> forwards6 = forwards.stream().filter(forward -> !forward.to().isIpv4()).toList();
        List<NetlinkMessage> messages = new ArrayList<>();
        messages.add(new NetlinkMessage(BATCH_BEGIN, Netlink.NLM_F_REQUEST).nfgenmsg(AF_UNSPEC, NFNL_SUBSYS_NFTABLES));
        if (!nats.isEmpty() || !forwards4.isEmpty()) {
            messages.add(table(NFPROTO_IPV4, NftRuleset.TABLE));
            if (!forwards4.isEmpty()) {
                messages.add(chain(NFPROTO_IPV4, NftRuleset.TABLE, "prerouting", HOOK_PREROUTING, PRIORITY_DSTNAT, "nat"));
                forwards4.forEach(forward -> messages.add(dnat(NFPROTO_IPV4, "prerouting", forward)));
                messages.add(chain(NFPROTO_IPV4, NftRuleset.TABLE, "output", HOOK_OUTPUT, PRIORITY_DSTNAT, "nat"));
                forwards4.forEach(forward -> messages.add(dnat(NFPROTO_IPV4, "output", forward)));
            }
            messages.add(chain(NFPROTO_IPV4, NftRuleset.TABLE, "postrouting", HOOK_POSTROUTING, PRIORITY_SRCNAT, "nat"));
            nats.forEach(nat -> messages.add(masquerade(nat.source(), nat.out())));
            if (!forwards4.isEmpty()) {
                messages.add(masquerade(NftRuleset.LOOPBACK, null));
            }
        }
        if (!forwards6.isEmpty()) {
            messages.add(table(NFPROTO_IPV6, NftRuleset.TABLE));
            messages.add(chain(NFPROTO_IPV6, NftRuleset.TABLE, "prerouting", HOOK_PREROUTING, PRIORITY_DSTNAT, "nat"));
            forwards6.forEach(forward -> messages.add(dnat(NFPROTO_IPV6, "prerouting", forward)));
            messages.add(chain(NFPROTO_IPV6, NftRuleset.TABLE, "output", HOOK_OUTPUT, PRIORITY_DSTNAT, "nat"));
            forwards6.forEach(forward -> messages.add(dnat(NFPROTO_IPV6, "output", forward)));
        }
        messages.add(new NetlinkMessage(BATCH_END, Netlink.NLM_F_REQUEST).nfgenmsg(AF_UNSPEC, NFNL_SUBSYS_NFTABLES));
        return messages;
    }

    private static NetlinkMessage table(int family, String name) {
        return new NetlinkMessage(NEWTABLE, CREATE).nfgenmsg(family, 0).attribute(NFTA_TABLE_NAME, name);
    }

    private static NetlinkMessage chain(int family, String table, String name, int hook, int priority, String type) {
        return new NetlinkMessage(NEWCHAIN, CREATE).nfgenmsg(family, 0)
                .attribute(NFTA_CHAIN_TABLE, table)
                .attribute(NFTA_CHAIN_NAME, name)
                .begin(NFTA_CHAIN_HOOK | Netlink.NLA_F_NESTED).attributeBigEndian(NFTA_HOOK_HOOKNUM, hook)
                .attributeBigEndian(NFTA_HOOK_PRIORITY, priority).end()
                .attributeBigEndian(NFTA_CHAIN_POLICY, NF_ACCEPT)
                .attribute(NFTA_CHAIN_TYPE, type);
    }

    /**
     * Replaces the calling thread's namespace's partition tables (IPv4 and IPv6) in one atomic
     * batch: the input drops every packet from one of {@code dropFrom}, the output rejects every
     * packet to one of {@code rejectTo} (TCP with a reset, the rest with ICMP port-unreachable).
     * Loopback traffic always passes, so that a rejection, delivered through loopback, arrives.
     * Empty sets remove the tables.
     */
    public static void applyPartitions(Collection<IpAddress> dropFrom, Collection<IpAddress> rejectTo) {
        try (NetlinkSocket socket = NetlinkSocket.open(Libc.NETLINK_NETFILTER)) {
            socket.batch(partitionBatch(dropFrom, rejectTo), "apply the nftables partition rules");
        }
    }

    /** The batch that replaces the partition tables. Pure: touches no kernel. */
    static List<NetlinkMessage> partitionBatch(Collection<IpAddress> dropFrom, Collection<IpAddress> rejectTo) {
        List<NetlinkMessage> messages = new ArrayList<>();
        messages.add(new NetlinkMessage(BATCH_BEGIN, Netlink.NLM_F_REQUEST).nfgenmsg(AF_UNSPEC, NFNL_SUBSYS_NFTABLES));
        for (int family : new int[] {NFPROTO_IPV4, NFPROTO_IPV6}) {
            boolean ipv4 = family == NFPROTO_IPV4;
            List<IpAddress> drops = dropFrom.stream().filter(address -> address.isIpv4() == ipv4).toList();
            List<IpAddress> rejects = rejectTo.stream().filter(address -> address.isIpv4() == ipv4).toList();
            // create-if-missing, then delete: removes any old table without failing when there is none
            messages.add(table(family, PARTITION_TABLE));
            messages.add(new NetlinkMessage(DELTABLE, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK)
                    .nfgenmsg(family, 0).attribute(NFTA_TABLE_NAME, PARTITION_TABLE));
            if (drops.isEmpty() && rejects.isEmpty()) {
                continue;
            }
            messages.add(table(family, PARTITION_TABLE));
            messages.add(chain(family, PARTITION_TABLE, "input", HOOK_INPUT, PRIORITY_FILTER, "filter"));
            messages.add(acceptLoopback(family));
            for (IpAddress address : drops) {
                messages.add(matchAddress(family, "input", ipv4 ? 12 : 8, address).drop().message());
            }
            if (!rejects.isEmpty()) {
                messages.add(chain(family, PARTITION_TABLE, "output", HOOK_OUTPUT, PRIORITY_FILTER, "filter"));
            }
            for (IpAddress address : rejects) {
                Rule tcp = matchAddress(family, "output", ipv4 ? 16 : 24, address);
                tcp.meta(META_L4PROTO);
                tcp.compare(new byte[] {(byte) IPPROTO_TCP});
                messages.add(tcp.reject(NFT_REJECT_TCP_RST, -1).message());
                messages.add(matchAddress(family, "output", ipv4 ? 16 : 24, address)
                        .reject(NFT_REJECT_ICMP_UNREACH, ipv4 ? ICMP_PORT_UNREACH : ICMPV6_PORT_UNREACH).message());
            }
        }
        messages.add(new NetlinkMessage(BATCH_END, Netlink.NLM_F_REQUEST).nfgenmsg(AF_UNSPEC, NFNL_SUBSYS_NFTABLES));
        return messages;
    }

    /**
     * Makes the calling thread's namespace answer every segment it sends on one of
     * {@code connections} with a TCP reset delivered back to it ({@code reject with tcp reset} in
     * the output, matched on the four addresses and ports); an empty list removes the rules. The
     * reset's sequence number is the segment's acknowledgement number: exactly what the socket
     * expects, so it accepts the reset as its peer's.
     */
    public static void applyResets(Collection<SocketInfo> connections) {
        try (NetlinkSocket socket = NetlinkSocket.open(Libc.NETLINK_NETFILTER)) {
            socket.batch(resetBatch(connections), "apply the nftables rules that reset connections");
        }
    }

    /** The batch that replaces the reset tables. Pure: touches no kernel. */
    static List<NetlinkMessage> resetBatch(Collection<SocketInfo> connections) {
        List<NetlinkMessage> messages = new ArrayList<>();
        messages.add(new NetlinkMessage(BATCH_BEGIN, Netlink.NLM_F_REQUEST).nfgenmsg(AF_UNSPEC, NFNL_SUBSYS_NFTABLES));
        for (int family : new int[] {NFPROTO_IPV4, NFPROTO_IPV6}) {
            boolean ipv4 = family == NFPROTO_IPV4;
            List<SocketInfo> mine = connections.stream()
                    .filter(connection -> (connection.local().getAddress().getAddress().length == 4) == ipv4).toList();
            messages.add(table(family, RESET_TABLE));
            messages.add(new NetlinkMessage(DELTABLE, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK)
                    .nfgenmsg(family, 0).attribute(NFTA_TABLE_NAME, RESET_TABLE));
            if (mine.isEmpty()) {
                continue;
            }
            messages.add(table(family, RESET_TABLE));
            messages.add(chain(family, RESET_TABLE, "output", HOOK_OUTPUT, PRIORITY_FILTER - 1, "filter"));
            for (SocketInfo connection : mine) {
                Rule rule = new Rule(family, RESET_TABLE, "output");
                rule.payload(BASE_NETWORK, ipv4 ? 12 : 8, ipv4 ? 4 : 16);
                rule.compare(connection.local().getAddress().getAddress());
                rule.payload(BASE_NETWORK, ipv4 ? 16 : 24, ipv4 ? 4 : 16);
                rule.compare(connection.remote().getAddress().getAddress());
                rule.meta(META_L4PROTO);
                rule.compare(new byte[] {(byte) IPPROTO_TCP});
                rule.payload(BASE_TRANSPORT, 0, 2);
                rule.compare(port(connection.local().getPort()));
                rule.payload(BASE_TRANSPORT, 2, 2);
                rule.compare(port(connection.remote().getPort()));
                messages.add(rule.reject(NFT_REJECT_TCP_RST, -1).message());
            }
        }
        messages.add(new NetlinkMessage(BATCH_END, Netlink.NLM_F_REQUEST).nfgenmsg(AF_UNSPEC, NFNL_SUBSYS_NFTABLES));
        return messages;
    }

    /** {@code meta iif lo accept}: the loopback interface has index 1 in every namespace. */
    private static NetlinkMessage acceptLoopback(int family) {
        Rule rule = new Rule(family, PARTITION_TABLE, "input");
        rule.meta(META_IIF);
        rule.compare(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(LOOPBACK_INDEX).array());
        return rule.verdict(NF_ACCEPT).message();
    }

    /** {@code ip saddr ADDRESS} or {@code ip daddr ADDRESS} (and the ip6 forms), by header offset; a verdict follows. */
    private static Rule matchAddress(int family, String chain, int offset, IpAddress address) {
        Rule rule = new Rule(family, PARTITION_TABLE, chain);
        byte[] bytes = address.bytes();
        rule.payload(BASE_NETWORK, offset, bytes.length);
        rule.compare(bytes);
        return rule;
    }

    /** {@code ip saddr SOURCE [oifname "OUT"] masquerade} */
    private static NetlinkMessage masquerade(Cidr source, String out) {
        Rule rule = new Rule(NFPROTO_IPV4, NftRuleset.TABLE, "postrouting");
        int prefix = source.prefixLength();
        if (prefix > 0) {
            rule.payload(BASE_NETWORK, 12, 4);
            if (prefix < 32) {
                rule.bitwise(mask(prefix), new byte[4]);
            }
            rule.compare(source.network().bytes());
        }
        if (out != null) {
            rule.meta(META_OIFNAME);
            byte[] name = new byte[16];
            byte[] text = out.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(text, 0, name, 0, text.length);
            rule.compare(name);
        }
        rule.expression("masq");
        return rule.message();
    }

    /** {@code fib daddr type local PROTOCOL dport PORT dnat to ADDRESS:PORT} (ip or ip6). */
    private static NetlinkMessage dnat(int family, String chain, PortForwardSpec forward) {
        Rule rule = new Rule(family, NftRuleset.TABLE, chain);
        rule.begin("fib").attributeBigEndian(NFTA_FIB_DREG, REG_1).attributeBigEndian(NFTA_FIB_RESULT, FIB_RESULT_ADDRTYPE)
                .attributeBigEndian(NFTA_FIB_FLAGS, FIB_FLAG_DADDR);
        rule.finish();
        rule.compare(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(RTN_LOCAL).array());
        rule.meta(META_L4PROTO);
        rule.compare(new byte[] {(byte) ("udp".equals(forward.protocol()) ? IPPROTO_UDP : IPPROTO_TCP)});
        rule.payload(BASE_TRANSPORT, 2, 2);
        rule.compare(port(forward.port()));
        rule.immediate(REG_1, forward.to().bytes());
        rule.immediate(REG_2, port(forward.toPort()));
        rule.begin("nat").attributeBigEndian(NFTA_NAT_TYPE, NAT_DNAT).attributeBigEndian(NFTA_NAT_FAMILY, family)
                .attributeBigEndian(NFTA_NAT_REG_ADDR_MIN, REG_1).attributeBigEndian(NFTA_NAT_REG_PROTO_MIN, REG_2);
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

    private static final int NFTA_RULE_TABLE = 1;
    private static final int NFTA_RULE_CHAIN = 2;
    private static final int NFTA_RULE_EXPRESSIONS = 4;
    private static final int NFTA_LIST_ELEM = 1;
    private static final int NFTA_EXPR_NAME = 1;
    private static final int NFTA_EXPR_DATA = 2;
    private static final int NFTA_PAYLOAD_DREG = 1;
    private static final int NFTA_PAYLOAD_BASE = 2;
    private static final int NFTA_PAYLOAD_OFFSET = 3;
    private static final int NFTA_PAYLOAD_LEN = 4;
    private static final int NFTA_BITWISE_SREG = 1;
    private static final int NFTA_BITWISE_DREG = 2;
    private static final int NFTA_BITWISE_LEN = 3;
    private static final int NFTA_BITWISE_MASK = 4;
    private static final int NFTA_BITWISE_XOR = 5;
    private static final int NFTA_META_DREG = 1;
    private static final int NFTA_META_KEY = 2;
    private static final int NFTA_CMP_SREG = 1;
    private static final int NFTA_CMP_OP = 2;
    private static final int NFTA_CMP_DATA = 3;
    private static final int NFT_CMP_EQ = 0;
    private static final int NFTA_IMMEDIATE_DREG = 1;
    private static final int NFTA_IMMEDIATE_DATA = 2;
    private static final int NFTA_DATA_VALUE = 1;
    private static final int NFTA_DATA_VERDICT = 2;
    private static final int NFTA_VERDICT_CODE = 1;
    private static final int NFT_REG_VERDICT = 0;
    private static final int NESTED = Netlink.NLA_F_NESTED;

    /** One rule being written: its expressions in order. */
    private static final class Rule {

        private final NetlinkMessage message;

        Rule(int family, String table, String chain) {
            message = new NetlinkMessage(NEWRULE, CREATE | Netlink.NLM_F_APPEND).nfgenmsg(family, 0)
                    .attribute(NFTA_RULE_TABLE, table)
                    .attribute(NFTA_RULE_CHAIN, chain)
                    .begin(NFTA_RULE_EXPRESSIONS | NESTED);
        }

        /** Opens an expression and its data; {@link #finish()} closes both. */
        NetlinkMessage begin(String name) {
            return message.begin(NFTA_LIST_ELEM | NESTED).attribute(NFTA_EXPR_NAME, name).begin(NFTA_EXPR_DATA | NESTED);
        }

        void finish() {
            message.end().end();
        }

        void expression(String name) {
            message.begin(NFTA_LIST_ELEM | NESTED).attribute(NFTA_EXPR_NAME, name).end();
        }

        void payload(int base, int offset, int length) {
            begin("payload").attributeBigEndian(NFTA_PAYLOAD_DREG, REG_1).attributeBigEndian(NFTA_PAYLOAD_BASE, base)
                    .attributeBigEndian(NFTA_PAYLOAD_OFFSET, offset).attributeBigEndian(NFTA_PAYLOAD_LEN, length);
            finish();
        }

        void bitwise(byte[] mask, byte[] xor) {
            begin("bitwise").attributeBigEndian(NFTA_BITWISE_SREG, REG_1).attributeBigEndian(NFTA_BITWISE_DREG, REG_1)
                    .attributeBigEndian(NFTA_BITWISE_LEN, mask.length)
                    .begin(NFTA_BITWISE_MASK | NESTED).attribute(NFTA_DATA_VALUE, mask).end()
                    .begin(NFTA_BITWISE_XOR | NESTED).attribute(NFTA_DATA_VALUE, xor).end();
            finish();
        }

        void meta(int key) {
            begin("meta").attributeBigEndian(NFTA_META_DREG, REG_1).attributeBigEndian(NFTA_META_KEY, key);
            finish();
        }

        void compare(byte[] value) {
            begin("cmp").attributeBigEndian(NFTA_CMP_SREG, REG_1).attributeBigEndian(NFTA_CMP_OP, NFT_CMP_EQ)
                    .begin(NFTA_CMP_DATA | NESTED).attribute(NFTA_DATA_VALUE, value).end();
            finish();
        }

        void immediate(int register, byte[] value) {
            begin("immediate").attributeBigEndian(NFTA_IMMEDIATE_DREG, register)
                    .begin(NFTA_IMMEDIATE_DATA | NESTED).attribute(NFTA_DATA_VALUE, value).end();
            finish();
        }

        /** {@code drop}: the verdict register gets NF_DROP. */
        Rule drop() {
            return verdict(NF_DROP);
        }

        /** A verdict ({@code accept}, {@code drop}) in the verdict register. */
        Rule verdict(int code) {
            begin("immediate").attributeBigEndian(NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT)
                    .begin(NFTA_IMMEDIATE_DATA | NESTED).begin(NFTA_DATA_VERDICT | NESTED)
                    .attributeBigEndian(NFTA_VERDICT_CODE, code).end().end();
            finish();
            return this;
        }

        /** {@code reject with tcp reset} ({@code code} -1) or {@code reject with icmp ... CODE}. */
        Rule reject(int type, int code) {
            NetlinkMessage data = begin("reject").attributeBigEndian(NFTA_REJECT_TYPE, type);
            if (code >= 0) {
                data.attributeByte(NFTA_REJECT_ICMP_CODE, code);
            }
            finish();
            return this;
        }

        NetlinkMessage message() {
            return message.end();
        }
    }
}
