package dev.netns.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.netns.NetNs;
import dev.netns.Topology;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.VethPair;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelException;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.GlobalEventExecutor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Java in the topology: a gRPC 1.85 server and client (Netty transport), each with event loops and
 * an executor of its own from {@code ns.threadFactory()} and its channels from
 * {@code ns.openServerSocketChannel()} / {@code openSocketChannel()}; a partition between them
 * makes a call with a short deadline fail, and after the heal calls succeed again. gRPC's
 * defaults are JVM-wide (a shared boss event loop, a shared executor) and would serve the next
 * test from this one's namespaces: always pass your own, and shut them down after the test. The
 * method is hand-written with a String marshaller, so no protoc plugin is needed.
 */
@NetnsTest
@Namespace("client")
@Namespace("server")
@VethPair(left = "client", leftAddress = "10.64.0.1/24", right = "server", rightAddress = "10.64.0.2/24")
class GrpcPartitionTest {

    static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<String, String> SAY_HELLO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("sample.Greeter", "SayHello"))
            .setRequestMarshaller(UTF8)
            .setResponseMarshaller(UTF8)
            .build();

    @Namespace("client") NetNs client;
    @Namespace("server") NetNs server;

    private EventLoopGroup serverBoss;
    private EventLoopGroup serverWorkers;
    private ExecutorService serverExecutor;
    private Server grpcServer;
    private EventLoopGroup clientLoops;
    private ExecutorService clientExecutor;
    private ManagedChannel channel;

    @BeforeEach
    void startServerAndChannel() throws IOException {
        serverBoss = new MultiThreadIoEventLoopGroup(1, server.threadFactory(), NioIoHandler.newFactory());
        serverWorkers = new MultiThreadIoEventLoopGroup(1, server.threadFactory(), NioIoHandler.newFactory());
        serverExecutor = Executors.newFixedThreadPool(2, server.threadFactory());
        grpcServer = NettyServerBuilder.forPort(50051)
                .bossEventLoopGroup(serverBoss)
                .workerEventLoopGroup(serverWorkers)
                .channelFactory(() -> {
                    try {
                        return new NioServerSocketChannel(server.openServerSocketChannel());   // listens in server
                    } catch (IOException e) {
                        throw new ChannelException(e);
                    }
                })
                .executor(serverExecutor)
                .addService(ServerServiceDefinition.builder("sample.Greeter")
                        .addMethod(SAY_HELLO, ServerCalls.asyncUnaryCall((String name, StreamObserver<String> reply) -> {
                            reply.onNext("hello " + name);
                            reply.onCompleted();
                        }))
                        .build())
                .build()
                .start();

        clientLoops = new MultiThreadIoEventLoopGroup(1, client.threadFactory(), NioIoHandler.newFactory());
        clientExecutor = Executors.newFixedThreadPool(2, client.threadFactory());
        channel = NettyChannelBuilder.forAddress(new InetSocketAddress("10.64.0.2", 50051))
                .eventLoopGroup(clientLoops)
                .channelFactory(() -> {
                    try {
                        return new NioSocketChannel(client.openSocketChannel());   // connects from client
                    } catch (IOException e) {
                        throw new ChannelException(e);
                    }
                })
                .executor(clientExecutor)
                .offloadExecutor(clientExecutor)
                .usePlaintext()
                .build();
    }

    @AfterEach
    void shutDown() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        grpcServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        serverWorkers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        serverBoss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        // the loops' termination may start Netty's JVM-wide GlobalEventExecutor thread from inside: wait until it ends
        GlobalEventExecutor.INSTANCE.awaitInactivity(5, TimeUnit.SECONDS);
        clientExecutor.shutdownNow();
        serverExecutor.shutdownNow();
        clientExecutor.awaitTermination(5, TimeUnit.SECONDS);
        serverExecutor.awaitTermination(5, TimeUnit.SECONDS);
    }

    private String sayHello(String name, long deadlineMillis) {
        return ClientCalls.blockingUnaryCall(channel, SAY_HELLO,
                CallOptions.DEFAULT.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS), name);
    }

    @Test
    void eachTestIsServedByItsOwnLoopsInItsOwnTopology() {
        // with gRPC's shared loops and executor, whichever test runs second would run in the first one's closed topology
        assertThat(sayHello("again", 5000)).isEqualTo("hello again");
    }

    @Test
    void aPartitionFailsTheCallAndTheHealBringsItBack(Topology net) {
        assertThat(sayHello("before", 5000)).isEqualTo("hello before");

        net.partition("client", "server");
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, () -> sayHello("partitioned", 500));
        assertThat(failure).as("a call across the partition").isNotNull();
        assertThat(failure.getStatus().getCode()).isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.UNAVAILABLE);

        net.heal("client", "server");
        assertThat(sayHello("after", 10_000)).isEqualTo("hello after");
    }
}
