package dev.netns.internal.fault;

import dev.netns.SocketInfo;
import dev.netns.internal.model.IpAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Set;

/** Which sockets of a namespace are TCP connections to a peer namespace. Pure. */
public final class ConnectionsBetween {

    /** The states in which a connection still carries data one way or the other. */
    private static final Set<String> CONNECTED = Set.of("ESTABLISHED", "CLOSE-WAIT", "FIN-WAIT-1", "FIN-WAIT-2");

    private ConnectionsBetween() {
    }

    /** Whether {@code socket} is a TCP connection from one of {@code local} to one of {@code remote}. */
    public static boolean connects(SocketInfo socket, Collection<IpAddress> local, Collection<IpAddress> remote) {
        return "tcp".equals(socket.protocol()) && CONNECTED.contains(socket.state()) && socket.remote() != null
                && in(socket.local(), local) && in(socket.remote(), remote);
    }

    private static boolean in(InetSocketAddress address, Collection<IpAddress> addresses) {
        return addresses.contains(IpAddress.of(address.getAddress().getAddress()));
    }
}
