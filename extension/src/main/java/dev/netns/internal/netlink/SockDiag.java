package dev.netns.internal.netlink;

import dev.netns.SocketInfo;
import dev.netns.internal.system.Libc;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sockets of a namespace through sock_diag ({@code NETLINK_SOCK_DIAG}, {@code linux/inet_diag.h}):
 * a dump of its TCP and UDP sockets, IPv4 and IPv6, and {@code SOCK_DESTROY} of one of them. The
 * socket must be opened on the namespace's own thread. Encoding and decoding are pure, tested on
 * recorded bytes.
 */
public final class SockDiag {

    static final int SOCK_DIAG_BY_FAMILY = 20;
    static final int SOCK_DESTROY = 21;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;
    /** {@code struct inet_diag_sockid}: ports, two 16-byte addresses, interface, cookie. */
    static final int SOCKID_LENGTH = 48;
    /** {@code struct inet_diag_msg} before its attributes. */
    static final int MSG_LENGTH = 72;
    static final int ALL_STATES = 0xffffffff;
    /** TCP_ESTABLISHED in {@code idiag_states}, the bit of state 1. */
    static final int ESTABLISHED_ONLY = 1 << 1;

    private static final String[] TCP_STATES = {"UNKNOWN", "ESTABLISHED", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
        "FIN-WAIT-2", "TIME-WAIT", "CLOSE", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING", "NEW-SYN-RECV"};

    /**
     * One socket as the kernel described it.
     *
     * @param info what users see
     * @param family {@code AF_INET} or {@code AF_INET6}
     * @param protocol {@code IPPROTO_TCP} or {@code IPPROTO_UDP}
     * @param state the kernel's state number
     * @param id the raw {@code inet_diag_sockid}, which names the socket to {@code SOCK_DESTROY}
     */
    public record Entry(SocketInfo info, int family, int protocol, int state, byte[] id) {
    }

    private SockDiag() {
    }

    /** Opens a sock_diag socket in the calling thread's namespace. */
    public static NetlinkSocket open() {
        return NetlinkSocket.open(Libc.NETLINK_SOCK_DIAG);
    }

    /** Every TCP and UDP socket, IPv4 and IPv6, through {@code socket}. */
    public static List<Entry> dump(NetlinkSocket socket) {
        List<Entry> entries = new ArrayList<>();
        for (int protocol : new int[] {IPPROTO_TCP, IPPROTO_UDP}) {
            for (int family : new int[] {AF_INET, AF_INET6}) {
                entries.addAll(decode(protocol, socket.dump(dumpRequest(family, protocol, ALL_STATES),
                        "list the " + name(protocol) + (family == AF_INET ? "" : "6") + " sockets (sock_diag)")));
            }
        }
        return entries;
    }

    /**
     * Breaks the connection of {@code entry} at once ({@code SOCK_DESTROY}): its owner sees an
     * error ({@code ECONNABORTED}), its peer a reset.
     *
     * @throws dev.netns.internal.system.KernelException when the kernel refuses, e.g.
     *         {@code EOPNOTSUPP} without {@code CONFIG_INET_DIAG_DESTROY}, {@code ENOENT} when gone
     */
    public static void destroy(NetlinkSocket socket, Entry entry) {
        socket.request(destroyRequest(entry), "destroy the socket " + entry.info() + " (sock_diag SOCK_DESTROY)");
    }

    /** {@code struct inet_diag_req_v2} asking for every socket of a family and protocol in {@code states}. */
    static NetlinkMessage dumpRequest(int family, int protocol, int states) {
        return new NetlinkMessage(SOCK_DIAG_BY_FAMILY, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP)
                .struct(request(family, protocol, states, new byte[SOCKID_LENGTH]));
    }

    /** {@code SOCK_DESTROY} of the socket named by {@code entry}'s id. */
    static NetlinkMessage destroyRequest(Entry entry) {
        return new NetlinkMessage(SOCK_DESTROY, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK)
                .struct(request(entry.family(), entry.protocol(), ALL_STATES, entry.id()));
    }

    private static byte[] request(int family, int protocol, int states, byte[] id) {
        ByteBuffer request = ByteBuffer.allocate(8 + SOCKID_LENGTH).order(java.nio.ByteOrder.nativeOrder());
        request.put((byte) family).put((byte) protocol).put((byte) 0).put((byte) 0).putInt(states).put(id);
        return request.array();
    }

    /** Decodes {@code struct inet_diag_msg} payloads of a dump of {@code protocol}. */
    static List<Entry> decode(int protocol, List<ByteBuffer> payloads) {
        List<Entry> entries = new ArrayList<>();
        for (ByteBuffer payload : payloads) {
            if (payload.limit() < MSG_LENGTH) {
                continue;
            }
            int family = payload.get(0) & 0xff;
            int state = payload.get(1) & 0xff;
            byte[] id = new byte[SOCKID_LENGTH];
            payload.get(4, id);
            int localPort = ((id[0] & 0xff) << 8) | (id[1] & 0xff);
            int remotePort = ((id[2] & 0xff) << 8) | (id[3] & 0xff);
            int length = family == AF_INET ? 4 : 16;
            InetAddress local = address(Arrays.copyOfRange(id, 4, 4 + length));
            InetAddress remote = address(Arrays.copyOfRange(id, 20, 20 + length));
            boolean hasRemote = remotePort != 0 || !remote.isAnyLocalAddress();
            entries.add(new Entry(new SocketInfo(name(protocol), new InetSocketAddress(local, localPort),
                    hasRemote ? new InetSocketAddress(remote, remotePort) : null, stateName(protocol, state)),
                    family, protocol, state, id));
        }
        return entries;
    }

    /** {@code ss}'s spelling of a state; UDP's unconnected sockets are {@code UNCONN}. */
    static String stateName(int protocol, int state) {
        if (protocol == IPPROTO_UDP) {
            return state == 1 ? "ESTABLISHED" : "UNCONN";
        }
        return state < TCP_STATES.length ? TCP_STATES[state] : "UNKNOWN(" + state + ")";
    }

    private static String name(int protocol) {
        return protocol == IPPROTO_TCP ? "tcp" : "udp";
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
