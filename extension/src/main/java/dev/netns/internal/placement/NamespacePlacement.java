package dev.netns.internal.placement;

import dev.netns.internal.namespace.NamespaceThread;
import java.io.IOException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ThreadFactory;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

/**
 * Puts JVM code and sockets into one namespace on purpose: its thread factory, socket factories
 * and channels. Closed with the namespace; afterwards every one of them refuses.
 */
public final class NamespacePlacement implements AutoCloseable {

    private final NamespaceThread namespace;
    private final String name;
    private final SocketMaker maker;
    private final ThreadFactory threads;

    /**
     * @param namespace the namespace and its own thread
     * @param name the logical name, for thread names and messages
     */
    public NamespacePlacement(NamespaceThread namespace, String name) {
        this.namespace = namespace;
        this.name = name;
        this.maker = new SocketMaker(namespace, name);
        this.threads = new PlacedThreadFactory(namespace, name + "-thread");
    }

    /** Threads that live in the namespace from their first instruction. */
    public ThreadFactory threadFactory() {
        return threads;
    }

    /** Sockets created in the namespace at once. */
    public SocketFactory socketFactory() {
        return new PlacedSocketFactory(maker, name);
    }

    /** Server sockets created in the namespace at once. */
    public ServerSocketFactory serverSocketFactory() {
        return new PlacedServerSocketFactory(maker, name);
    }

    /** An NIO socket channel created in the namespace. */
    public SocketChannel openSocketChannel() throws IOException {
        return maker.make("a socket channel", SocketChannel::open);
    }

    /** An NIO server socket channel created in the namespace. */
    public ServerSocketChannel openServerSocketChannel() throws IOException {
        return maker.make("a server socket channel", ServerSocketChannel::open);
    }

    /** An NIO datagram channel created in the namespace. */
    public DatagramChannel openDatagramChannel() throws IOException {
        return maker.make("a datagram channel", DatagramChannel::open);
    }

    /** Stops the socket-making thread; factories and channels refuse from now on. */
    @Override
    public void close() {
        maker.close();
    }
}
