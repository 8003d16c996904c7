package dev.netns.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netns.ExecResult;
import dev.netns.NetNs;
import dev.netns.NetnsException;
import dev.netns.Topology;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.SocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Threads, sockets, channels and child JVMs put inside a namespace on purpose. */
class PlacementIT {

    private Topology net;
    private NetNs red;
    private NetNs blue;

    @BeforeEach
    void start() {
        net = Topology.builder()
                .namespace("red")
                .namespace("blue")
                .veth("red", "10.31.0.1/24", "blue", "10.31.0.2/24")
                .start();
        red = net.namespace("red");
        blue = net.namespace("blue");
    }

    @AfterEach
    void close() {
        net.close();
    }

    /** The namespace the calling thread lives in, as the kernel names it ({@code net:[4026532]}). */
    static String currentNamespace() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    }

    static String namespaceOf(NetNs ns) throws IOException {
        return Files.readSymbolicLink(ns.path()).toString();
    }

    @Test
    void threadsOfTheFactoryLiveInTheNamespaceFromTheirFirstInstruction() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2, red.threadFactory());
        try {
            String where = pool.submit(PlacementIT::currentNamespace).get(10, TimeUnit.SECONDS);
            assertThat(where).isEqualTo(namespaceOf(red)).isNotEqualTo(currentNamespace());
            // a thread started by a pool thread inherits the namespace
            String child = pool.submit(() -> {
                CompletableFuture<String> inner = new CompletableFuture<>();
                Thread thread = new Thread(() -> {
                    try {
                        inner.complete(currentNamespace());
                    } catch (IOException e) {
                        inner.completeExceptionally(e);
                    }
                });
                thread.start();
                return inner.get(10, TimeUnit.SECONDS);
            }).get(10, TimeUnit.SECONDS);
            assertThat(child).isEqualTo(namespaceOf(red));
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSocketOpenedByAFactoryThreadConnectsFromTheNamespace() throws Exception {
        try (ServerSocket server = blue.call(() -> new ServerSocket(7100))) {
            ExecutorService pool = Executors.newSingleThreadExecutor(red.threadFactory());
            try {
                pool.submit(() -> {
                    try (Socket socket = new Socket("10.31.0.2", 7100)) {
                        return null;
                    }
                });
                try (Socket accepted = server.accept()) {
                    assertThat(accepted.getInetAddress().getHostAddress()).isEqualTo("10.31.0.1");
                }
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void socketFactorySocketsBelongToTheNamespaceWhicheverThreadConnectsThem() throws Exception {
        SocketFactory factory = red.socketFactory();
        try (ServerSocket server = blue.call(() -> new ServerSocket(7101))) {
            // the unconnected socket, connected later on the test's own thread
            try (Socket socket = factory.createSocket()) {
                socket.connect(new InetSocketAddress("10.31.0.2", 7101), 5000);
                assertThat(socket.getLocalAddress().getHostAddress()).isEqualTo("10.31.0.1");
                server.accept().close();
            }
            try (Socket socket = factory.createSocket("10.31.0.2", 7101)) {
                assertThat(socket.getLocalAddress().getHostAddress()).isEqualTo("10.31.0.1");
                server.accept().close();
            }
        }
    }

    @Test
    void serverSocketFactoryListensInsideTheNamespace() throws Exception {
        try (ServerSocket server = blue.serverSocketFactory().createServerSocket(7102)) {
            try (Socket client = red.call(() -> new Socket("10.31.0.2", 7102)); Socket accepted = server.accept()) {
                assertThat(accepted.getInetAddress().getHostAddress()).isEqualTo("10.31.0.1");
            }
        }
        try (ServerSocket unbound = blue.serverSocketFactory().createServerSocket()) {
            unbound.bind(new InetSocketAddress(7103));
            try (Socket client = red.call(() -> new Socket("10.31.0.2", 7103))) {
                unbound.accept().close();
            }
        }
    }

    @Test
    void channelsAreCreatedInsideTheNamespace() throws Exception {
        try (ServerSocketChannel server = blue.openServerSocketChannel()) {
            server.bind(new InetSocketAddress(7104));
            try (SocketChannel client = red.openSocketChannel()) {
                client.connect(new InetSocketAddress("10.31.0.2", 7104));
                assertThat(((InetSocketAddress) client.getLocalAddress()).getAddress().getHostAddress()).isEqualTo("10.31.0.1");
                server.accept().close();
            }
        }
        try (DatagramChannel receiver = blue.openDatagramChannel(); DatagramChannel sender = red.openDatagramChannel()) {
            receiver.bind(new InetSocketAddress(7105));
            sender.send(java.nio.ByteBuffer.wrap(new byte[] {42}), new InetSocketAddress("10.31.0.2", 7105));
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(8);
            InetSocketAddress from = (InetSocketAddress) receiver.receive(buffer);
            assertThat(from.getAddress().getHostAddress()).isEqualTo("10.31.0.1");
        }
    }

    @Test
    void aChildJvmRunsInsideTheNamespaceAndResolvesItsNames() throws Exception {
        try (ServerSocket server = blue.call(() -> new ServerSocket(7106))) {
            ExecResult result = red.java(ChildMain.class, "blue", "7106")
                    .jvmOptions("-Xmx32m", "-XX:TieredStopAtLevel=1")
                    .systemProperty("greeting", "hello from red")
                    .exec();
            assertThat(result.succeeded()).as(result.toString()).isTrue();
            assertThat(result.stdout()).contains("hello from red").contains("connected from /10.31.0.1");
            server.accept().close();
        }
    }

    @Test
    void jvmOptionsAreRefusedForOtherPrograms() {
        assertThatThrownBy(() -> red.command("true").jvmOptions("-Xmx1m"))
                .isInstanceOf(NetnsException.class).hasMessageContaining("NetNs.java(");
        assertThatThrownBy(() -> red.java(PlacementIT.class))
                .isInstanceOf(NetnsException.class).hasMessageContaining("has no public static void main");
    }

    @Test
    void afterCloseFactoriesAndThreadsRefuseClearly() throws Exception {
        ThreadFactory threads = red.threadFactory();
        SocketFactory sockets = red.socketFactory();
        net.close();
        assertThatThrownBy(sockets::createSocket).isInstanceOf(NetnsException.class).hasMessageContaining("closed");
        assertThatThrownBy(red::openSocketChannel).isInstanceOf(NetnsException.class).hasMessageContaining("closed");
        AtomicBoolean ran = new AtomicBoolean();
        Thread late = threads.newThread(() -> ran.set(true));
        late.setUncaughtExceptionHandler((thread, error) -> { });
        late.start();
        late.join(5000);
        assertThat(ran).as("a thread of a closed namespace never runs its task").isFalse();
    }
}
