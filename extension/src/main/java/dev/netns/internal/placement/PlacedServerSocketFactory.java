package dev.netns.internal.placement;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import javax.net.ServerSocketFactory;

/** A {@link ServerSocketFactory} whose server sockets are created inside one namespace at once. */
final class PlacedServerSocketFactory extends ServerSocketFactory {

    private final SocketMaker maker;
    private final String namespace;

    PlacedServerSocketFactory(SocketMaker maker, String namespace) {
        this.maker = maker;
        this.namespace = namespace;
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
        return maker.make("a server socket", () -> {
            ServerSocket socket = new ServerSocket();
            // any option makes the JDK create the kernel socket now, on this thread
            socket.getReceiveBufferSize();
            return socket;
        });
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return bound(createServerSocket(), new InetSocketAddress(port), 50);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return bound(createServerSocket(), new InetSocketAddress(port), backlog);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
        return bound(createServerSocket(), new InetSocketAddress(address, port), backlog);
    }

    private static ServerSocket bound(ServerSocket socket, InetSocketAddress address, int backlog) throws IOException {
        try {
            socket.bind(address, backlog);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "ServerSocketFactory[server sockets in namespace " + namespace + "]";
    }
}
