package dev.netns.internal.placement;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * A {@link SocketFactory} whose sockets are created inside one namespace at once (the kernel
 * socket too: a plain {@code new Socket()} makes it only at first use, on whatever thread that
 * is). Connecting happens on the caller's thread; the socket belongs to the namespace all the same.
 */
final class PlacedSocketFactory extends SocketFactory {

    private final SocketMaker maker;
    private final String namespace;

    PlacedSocketFactory(SocketMaker maker, String namespace) {
        this.maker = maker;
        this.namespace = namespace;
    }

    @Override
    public Socket createSocket() throws IOException {
        return maker.make("a socket", () -> {
            Socket socket = new Socket();
            // any option makes the JDK create the kernel socket now, on this thread
            socket.getReceiveBufferSize();
            return socket;
        });
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(createSocket(), new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(createSocket(), new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(createSocket(), new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(createSocket(), new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private static Socket connected(Socket socket, InetSocketAddress remote, InetSocketAddress local) throws IOException {
        try {
            if (local != null) {
                socket.bind(local);
            }
            socket.connect(remote);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "SocketFactory[sockets in namespace " + namespace + "]";
    }
}
