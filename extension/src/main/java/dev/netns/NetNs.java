package dev.netns;

import java.io.IOException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

/**
 * A handle on one network namespace of a running {@link Topology}, known by its logical name.
 *
 * <pre>{@code
 * NetNs red = topology.namespace("red");
 * ExecResult routes = red.exec("ip", "route");
 * assertThat(red.ping("192.168.15.2").reachable()).isTrue();
 * try (ServerSocket server = red.call(() -> new ServerSocket(8080))) { ... }
 * }</pre>
 *
 * <p>Each namespace has one dedicated platform thread living in it; programs started by
 * {@link #exec} and sockets opened in {@link #call} are created on that thread.
 */
public interface NetNs {

    /** The default timeout of {@link #exec(String...)}. */
    Duration DEFAULT_EXEC_TIMEOUT = Duration.ofSeconds(30);

    /** The logical name, as declared ({@code "red"}). */
    String name();

    /**
     * A file naming the namespace while the topology runs, usable as {@code nsenter --net=PATH}
     * or with {@code setns(2)}.
     */
    Path path();

    /**
     * Runs a program inside the namespace (argv, no shell), waits up to 30 s, captures its output.
     *
     * @throws NetnsException when the program cannot be started (e.g. not found)
     */
    default ExecResult exec(String... command) {
        return exec(DEFAULT_EXEC_TIMEOUT, command);
    }

    /**
     * Runs a program inside the namespace and waits up to {@code timeout}. Past the timeout the
     * program and all its children are killed and the result says {@link ExecResult#timedOut()}.
     *
     * @throws NetnsException when the program cannot be started (e.g. not found)
     */
    default ExecResult exec(Duration timeout, String... command) {
        return command(command).timeout(timeout).exec();
    }

    /**
     * Starts a program in the background inside the namespace (argv, no shell) and returns at
     * once. It is stopped when the topology is torn down at the latest.
     *
     * <pre>{@code
     * try (Program server = blue.start("nc", "-l", "-k", "7000")) {
     *     server.awaitPort(7000, Duration.ofSeconds(5));
     *     ...
     * }
     * }</pre>
     *
     * @throws NetnsException when the program cannot be started (e.g. not found)
     */
    default Program start(String... command) {
        return command(command).start();
    }

    /**
     * A program to run inside the namespace with options (environment, working directory,
     * standard input, timeout); finish with {@link Command#exec()} or {@link Command#start()}.
     *
     * @throws NetnsException when {@code command} is empty or holds a null
     */
    Command command(String... command);

    /** How long {@link #ping(String)} waits for a reply. */
    Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(2);

    /**
     * Pings {@code address} from inside: an ICMP echo every 200 ms until the first reply, for up
     * to {@link #DEFAULT_PING_TIMEOUT}, so one lost echo does not fail it. Sent by the JVM over an
     * ICMP datagram socket, no {@code ping} process. A namespace name of the topology is accepted
     * too ({@code ping("blue")}) and means its first address.
     *
     * @throws NetnsException when {@code address} is neither an address nor a namespace name
     */
    default PingResult ping(String address) {
        return ping(address, DEFAULT_PING_TIMEOUT);
    }

    /**
     * Pings {@code address} (or a namespace name) for up to {@code timeout}; returns at the first
     * reply, or at once when the kernel says the address is unreachable (no route).
     */
    PingResult ping(String address, Duration timeout);

    /** Pings {@code other.address()}. */
    default PingResult ping(NetNs other) {
        if (other == null) {
            throw new NetnsException("ping from '" + name() + "': the namespace to ping is null");
        }
        return ping(other.address());
    }

    /**
     * The first IPv4 address declared in this namespace, without prefix ({@code "192.168.15.1"}).
     *
     * @throws NetnsException when none was declared
     */
    String address();

    /**
     * A handle on interface {@code interfaceName} of this namespace, to take it down and up.
     *
     * @throws NetnsException when the namespace has no such interface
     */
    Link link(String interfaceName);

    /**
     * Starts recording the packets that cross interface {@code interfaceName} of this namespace.
     *
     * @throws NetnsException when the namespace has no such interface
     */
    Capture capture(String interfaceName);

    /**
     * The first IPv6 address declared in this namespace, without prefix.
     *
     * @throws NetnsException when none was declared
     */
    String address6();

    /** The interfaces of this namespace, loopback included, read from the kernel now. */
    List<LinkInfo> links();

    /** The IPv4 and IPv6 addresses of this namespace (IPv4 first), read from the kernel now. */
    List<AddressInfo> addresses();

    /** The IPv4 and IPv6 unicast routes of this namespace's main table, read from the kernel now. */
    List<RouteInfo> routes();

    /** The neighbour tables (ARP, IPv6 neighbour discovery) of this namespace, read from the kernel now. */
    List<NeighbourInfo> neighbours();

    /**
     * Runs JVM code on the namespace's own thread and returns its result. Sockets it creates
     * belong to this namespace for their whole life and may then be used from any thread.
     * Threads it starts inherit the namespace.
     *
     * <p>Calls from several threads run one after the other. If the calling thread is interrupted
     * while it waits, {@code action} is interrupted too (or never starts), the call throws a
     * {@link NetnsException} and the caller's interrupt status stays set.
     *
     * @throws Exception whatever {@code action} throws
     * @throws NetnsException when the topology is closed, the action is null, or the caller was interrupted
     */
    <T> T call(Callable<T> action) throws Exception;

    /**
     * Platform threads that live in this namespace from their first instruction, on Java 17 to 25:
     * every socket they open and every thread they start belongs to it. For the thread pools and
     * event loops of the code under test.
     *
     * <pre>{@code
     * ExecutorService pool = Executors.newFixedThreadPool(4, red.threadFactory());
     * EventLoopGroup loops = new NioEventLoopGroup(2, red.threadFactory());   // Netty
     * }</pre>
     *
     * <p>The threads are daemons named {@code <name>-thread-<n>}. Shut your pools down before the
     * topology closes: a thread still living in a closed namespace is a ghost, named in the test's
     * report, and its sockets no longer reach anything. A thread started after the topology closed
     * ends at once without running its task.
     */
    ThreadFactory threadFactory();

    /**
     * A {@code javax.net} socket factory whose sockets are created in this namespace at once,
     * whichever thread later connects them (every {@code createSocket} method, the unconnected one
     * included): for clients that accept a factory (OkHttp {@code socketFactory(..)}, JDBC drivers,
     * RMI).
     *
     * @throws NetnsException (from its methods) when the topology is closed
     */
    SocketFactory socketFactory();

    /** Like {@link #socketFactory()}, for server sockets: bound and listening inside this namespace. */
    ServerSocketFactory serverSocketFactory();

    /**
     * An NIO socket channel created in this namespace (unconnected), e.g. for a Netty channel
     * factory: {@code bootstrap.channelFactory(() -> new NioSocketChannel(red.openSocketChannel()))}.
     *
     * @throws IOException as {@link SocketChannel#open()} does
     * @throws NetnsException when the topology is closed
     */
    SocketChannel openSocketChannel() throws IOException;

    /** An NIO server socket channel created in this namespace (unbound). */
    ServerSocketChannel openServerSocketChannel() throws IOException;

    /** An NIO datagram channel created in this namespace (unbound). */
    DatagramChannel openDatagramChannel() throws IOException;

    /**
     * A child JVM inside this namespace: this JVM's {@code java} binary and class path, then
     * {@code mainClass} and {@code args}. Finish with {@link Command#start()} (a {@link Program},
     * stopped at teardown like every program) or {@link Command#exec()}; add JVM options with
     * {@link Command#jvmOptions(String...)} and system properties with
     * {@link Command#systemProperty(String, String)}. Its output is captured, and it resolves the
     * topology's namespace names like every program.
     *
     * <pre>{@code
     * Program node = red.java(QuorumPeerMain.class, "/tmp/zoo1.cfg")
     *         .jvmOptions("-Xmx128m")
     *         .systemProperty("zookeeper.admin.enableServer", "false")
     *         .start();
     * }</pre>
     *
     * @throws NetnsException when {@code mainClass} is null or has no {@code main}
     */
    Command java(Class<?> mainClass, String... args);

    /**
     * The TCP and UDP sockets of the namespace, IPv4 and IPv6, read from the kernel now through
     * sock_diag (what {@code ss -tuan} shows; no process is started).
     *
     * <pre>{@code
     * assertThat(blue.sockets()).anyMatch(s -> s.state().equals("LISTEN") && s.local().getPort() == 8080);
     * }</pre>
     */
    List<SocketInfo> sockets();

    /**
     * Freezes every process of the namespace at once (SIGSTOP), however it was started: the
     * namespace's node hangs, its sockets stay open. The test JVM itself is never stopped, so JVM
     * code running inside through {@link #call} or a thread factory keeps running; pause such a
     * node by pausing its own process ({@link Program#pause()}) or by partitioning it instead.
     */
    void pause();

    /** Lets every process of the namespace run again (SIGCONT). */
    void resume();
}
