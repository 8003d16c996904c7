package dev.netns.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netns.NetNs;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.VethPair;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Java in the topology: a Netty 4.2 echo server and a client that reconnects by itself, each with
 * its event loop from {@code ns.threadFactory()} and its channels from {@code ns.openSocketChannel()}
 * / {@code openServerSocketChannel()}. Netty opens a channel's socket when it constructs the
 * channel, on the thread that calls {@code bind()} or {@code connect()} (the test's, or the event
 * loop's when it reconnects), so the channel factory puts it in the namespace whoever calls. The
 * client sends a heartbeat, gives up a connection that stays silent for a second, and reconnects
 * every 200 ms: pulling its cable out and putting it back gives it a new connection.
 */
@NetnsTest
@Namespace("client")
@Namespace("server")
@VethPair(left = "client", leftAddress = "10.63.0.1/24", right = "server", rightAddress = "10.63.0.2/24")
class NettyEchoTest {

    @Namespace("client") NetNs client;
    @Namespace("server") NetNs server;

    private final List<String> connectionsSeenByTheServer = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
    private EventLoopGroup serverLoops;
    private EventLoopGroup clientLoops;
    private Bootstrap bootstrap;
    private volatile Channel connection;
    private volatile boolean closing;

    @BeforeEach
    void startServerAndClient() {
        serverLoops = new MultiThreadIoEventLoopGroup(1, server.threadFactory(), NioIoHandler.newFactory());
        new ServerBootstrap()
                .group(serverLoops)
                .channelFactory(serverChannelsIn(server))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connectionsSeenByTheServer.add(channel.remoteAddress().getAddress().getHostAddress());
                        channel.pipeline().addLast(new LineBasedFrameDecoder(256), new StringDecoder(StandardCharsets.UTF_8),
                                new StringEncoder(StandardCharsets.UTF_8), new SimpleChannelInboundHandler<String>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext context, String line) {
                                        context.writeAndFlush(line + "\n");   // echo
                                    }
                                });
                    }
                })
                .bind(7000).syncUninterruptibly();

        clientLoops = new MultiThreadIoEventLoopGroup(1, client.threadFactory(), NioIoHandler.newFactory());
        bootstrap = new Bootstrap()
                .group(clientLoops)
                .channelFactory(channelsIn(client))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000)
                .remoteAddress(new InetSocketAddress("10.63.0.2", 7000))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new IdleStateHandler(1000, 200, 0, TimeUnit.MILLISECONDS),
                                new LineBasedFrameDecoder(256), new StringDecoder(StandardCharsets.UTF_8),
                                new StringEncoder(StandardCharsets.UTF_8), new ReconnectingClient());
                    }
                });
        connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> connection != null);
    }

    /** Netty server channels whose socket is made in {@code ns}. */
    static ChannelFactory<NioServerSocketChannel> serverChannelsIn(NetNs ns) {
        return () -> {
            try {
                return new NioServerSocketChannel(ns.openServerSocketChannel());
            } catch (IOException e) {
                throw new ChannelException(e);
            }
        };
    }

    /** Netty client channels whose socket is made in {@code ns}. */
    static ChannelFactory<NioSocketChannel> channelsIn(NetNs ns) {
        return () -> {
            try {
                return new NioSocketChannel(ns.openSocketChannel());
            } catch (IOException e) {
                throw new ChannelException(e);
            }
        };
    }

    /** Connects; on failure, tries again in 200 ms on the client's event loop. */
    private void connect() {
        bootstrap.connect().addListener((ChannelFuture attempt) -> {
            if (attempt.isSuccess()) {
                connection = attempt.channel();
            } else if (!closing) {
                clientLoops.schedule(this::connect, 200, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Heartbeats when idle, closes a connection silent for a second, reconnects when it closes. */
    private final class ReconnectingClient extends SimpleChannelInboundHandler<String> {
        @Override
        protected void channelRead0(ChannelHandlerContext context, String line) {
            if (!line.equals("heartbeat")) {
                echoes.add(line);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object event) {
            if (event instanceof IdleStateEvent idle && idle.state() == IdleState.WRITER_IDLE) {
                context.writeAndFlush("heartbeat\n");
            } else if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
                context.close();   // the server has been silent for a second: give the connection up
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            if (!closing) {
                context.channel().eventLoop().schedule(NettyEchoTest.this::connect, 200, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            context.close();
        }
    }

    @AfterEach
    void shutDown() throws InterruptedException {
        closing = true;
        clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        serverLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        // the loops' termination may start Netty's JVM-wide GlobalEventExecutor thread from inside: wait until it ends
        GlobalEventExecutor.INSTANCE.awaitInactivity(5, TimeUnit.SECONDS);
    }

    @Test
    void echoesOverTcp() throws Exception {
        connection.writeAndFlush("hello\n");

        assertThat(echoes.poll(5, TimeUnit.SECONDS)).isEqualTo("hello");
        assertThat(connectionsSeenByTheServer).containsExactly("10.63.0.1");
    }

    @Test
    void reconnectsAfterTheCableIsPulledOutAndPutBack() throws Exception {
        Channel first = connection;
        client.link("eth0").down();
        await().atMost(Duration.ofSeconds(5)).until(() -> !first.isActive());   // no heartbeat answered for 1 s

        client.link("eth0").up();
        await().atMost(Duration.ofSeconds(10)).until(() -> connection != first && connection.isActive());
        connection.writeAndFlush("hello again\n");

        assertThat(echoes.poll(5, TimeUnit.SECONDS)).isEqualTo("hello again");
        assertThat(connectionsSeenByTheServer).containsExactly("10.63.0.1", "10.63.0.1");
    }
}
