package dev.netns;

import java.net.InetSocketAddress;

/**
 * One TCP or UDP socket of a namespace, as {@link NetNs#sockets()} read it from the kernel
 * (what {@code ss -tuan} lists).
 *
 * @param protocol {@code "tcp"} or {@code "udp"}
 * @param local the address and port it is bound to ({@code 0.0.0.0} or {@code ::} for any)
 * @param remote the peer's address and port, or null where there is none (listening, unconnected UDP)
 * @param state the kernel's state in {@code ss} spelling: {@code "LISTEN"}, {@code "ESTABLISHED"},
 *        {@code "SYN-SENT"}, {@code "SYN-RECV"}, {@code "FIN-WAIT-1"}, {@code "FIN-WAIT-2"},
 *        {@code "TIME-WAIT"}, {@code "CLOSE-WAIT"}, {@code "LAST-ACK"}, {@code "CLOSING"}; an unconnected
 *        UDP socket is {@code "UNCONN"}, a connected one {@code "ESTABLISHED"}
 */
public record SocketInfo(String protocol, InetSocketAddress local, InetSocketAddress remote, String state) {

    /** Whether this is an established TCP connection. */
    public boolean isEstablished() {
        return "tcp".equals(protocol) && "ESTABLISHED".equals(state);
    }

    @Override
    public String toString() {
        return protocol + " " + state + " " + text(local) + " " + (remote == null ? "*" : text(remote));
    }

    private static String text(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
