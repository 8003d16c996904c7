package dev.netns.assertj;

import dev.netns.LinkInfo;
import dev.netns.NetNs;
import dev.netns.NetnsException;
import dev.netns.PingResult;
import dev.netns.internal.program.ListeningPorts;
import dev.netns.internal.topology.NamespaceHandle;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Assertions on what a namespace can reach and what it holds. A failure says what was tried,
 * from where, and shows the namespace's addresses and routes at that moment.
 *
 * <p>Wherever an address is taken, a namespace name of the topology is accepted too and means
 * its first address ({@code canPing("blue")}).
 *
 * <p><b>Timing.</b> A positive check returns as soon as it holds: {@code canPing} sends an echo
 * every 200 ms for up to 2 s (one lost echo does not fail it), {@code canConnect} waits up to 3 s
 * for the connection. A negative check must wait to be sure: {@code cannotPing} and
 * {@code cannotConnect} wait for the <em>probe timeout</em>, 1 s by default (a reply across veth
 * cables takes well under a millisecond, so 1 s is generous even on a loaded CI machine), unless
 * the kernel answers sooner (no route, connection refused). Change it per assertion with
 * {@link #probeTimeout(Duration)} or for the whole run with the system property
 * {@value #PROBE_TIMEOUT_PROPERTY} ({@code 500ms}, {@code 2s}, or ISO-8601 {@code PT0.5S}).
 *
 * <p><b>Waiting.</b> {@link #within(Duration)} retries every following check until it holds or
 * the time is up; the failure then shows the last attempt.
 */
public class NetNsAssert extends AbstractAssert<NetNsAssert, NetNs> {

    /** System property with the default probe timeout of negative checks. */
    public static final String PROBE_TIMEOUT_PROPERTY = "netns.probe.timeout";

    /** The probe timeout when the property is not set. */
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(1);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration RETRY_INTERVAL = Duration.ofMillis(50);

    private Duration within;
    private Duration probeTimeout = configuredProbeTimeout();

    /** Use {@link NetnsAssertions#assertThat(NetNs)}. */
    protected NetNsAssert(NetNs actual) {
        super(actual, NetNsAssert.class);
    }

    /**
     * Retries each following check until it holds or {@code timeout} passes (with Awaitility);
     * then fails with the last attempt's message. Works for negative checks too:
     * {@code assertThat(red).within(Duration.ofSeconds(5)).cannotPing("blue")} after a partition.
     */
    public NetNsAssert within(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("within() needs a positive duration, not " + timeout);
        }
        this.within = timeout;
        return myself;
    }

    /** How long the following negative checks wait before they conclude that nothing answers. */
    public NetNsAssert probeTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("probeTimeout() needs a positive duration, not " + timeout);
        }
        this.probeTimeout = timeout;
        return myself;
    }

    /** Verifies that an ICMP echo from the namespace to {@code address} (or a namespace name) is answered. */
    public NetNsAssert canPing(String address) {
        isNotNull();
        return check(() -> {
            PingResult result = actual.ping(address);
            if (!result.reachable()) {
                failWithMessage("Expected namespace '%s' to reach %s by ping, but it did not: %s%n%s",
                        actual.name(), describe(address), result.output(), state());
            }
        });
    }

    /** Verifies that an ICMP echo from the namespace to {@code other}'s address is answered. */
    public NetNsAssert canPing(NetNs other) {
        isNotNull();
        return canPing(addressOf(other));
    }

    /** Verifies that ICMP echoes from the namespace to {@code address} get no reply within the probe timeout. */
    public NetNsAssert cannotPing(String address) {
        isNotNull();
        return check(() -> {
            PingResult result = actual.ping(address, probeTimeout);
            if (result.reachable()) {
                failWithMessage("Expected namespace '%s' not to reach %s by ping, but it answered: %s%n%s",
                        actual.name(), describe(address), result.output(), state());
            }
        });
    }

    /** Verifies that ICMP echoes from the namespace to {@code other}'s address get no reply. */
    public NetNsAssert cannotPing(NetNs other) {
        isNotNull();
        return cannotPing(addressOf(other));
    }

    /**
     * Verifies that a TCP connection from the namespace to {@code address:port} is accepted within 3 s.
     *
     * <p>The check is a real connection: the server's kernel completes the handshake and queues it,
     * so the server's next {@code accept()} returns it, already closed by the probe ({@code read()}
     * gives -1). Servers that accept in a loop see a client that left at once. To learn only that
     * something listens, without handing the server a connection, use {@link #isListeningOn(int)}
     * in the server's namespace ({@code Program.awaitPort} waits for the same).
     */
    public NetNsAssert canConnect(String address, int port) {
        isNotNull();
        return check(() -> {
            String failure = tryConnect(address, port, CONNECT_TIMEOUT);
            if (failure != null) {
                failWithMessage("Expected namespace '%s' to connect to %s port %d over TCP, but: %s%n%s",
                        actual.name(), describe(address), port, failure, state());
            }
        });
    }

    /**
     * Verifies that something in this namespace listens on TCP {@code port} (any address, IPv4 or
     * IPv6), read from the kernel's socket table: no connection is made, so the server's
     * {@code accept()} sees nothing of the check.
     *
     * <pre>{@code
     * try (ServerSocket server = blue.call(() -> new ServerSocket(8080))) {
     *     assertThat(blue).isListeningOn(8080);
     *     Socket first = server.accept();   // the first real client, not a probe
     * }
     * }</pre>
     */
    public NetNsAssert isListeningOn(int port) {
        isNotNull();
        return check(() -> {
            boolean listening;
            try {
                listening = actual.call(() -> ListeningPorts.listensHere(port));
            } catch (Exception e) {
                throw new NetnsException("read the TCP sockets of namespace '" + actual.name() + "': " + e, e);
            }
            if (!listening) {
                failWithMessage("Expected something in namespace '%s' to listen on TCP port %d, but nothing does.%n%s",
                        actual.name(), port, state());
            }
        });
    }

    /** Verifies that no TCP connection from the namespace to {@code address:port} is accepted (refused or no answer within the probe timeout). */
    public NetNsAssert cannotConnect(String address, int port) {
        isNotNull();
        return check(() -> {
            if (tryConnect(address, port, probeTimeout) == null) {
                failWithMessage("Expected namespace '%s' not to connect to %s port %d over TCP, but the connection "
                        + "was accepted.%n%s", actual.name(), describe(address), port, state());
            }
        });
    }

    /**
     * Verifies that a UDP datagram sent from the namespace to {@code address:port} is answered
     * (any datagram back within 3 s): for services that reply, such as DNS or an echo server.
     */
    public NetNsAssert canConnectUdp(String address, int port) {
        isNotNull();
        return check(() -> {
            String failure = tryUdp(address, port, CONNECT_TIMEOUT);
            if (failure != null) {
                failWithMessage("Expected namespace '%s' to get a UDP answer from %s port %d, but: %s%n%s",
                        actual.name(), describe(address), port, failure, state());
            }
        });
    }

    /** Verifies that a UDP datagram sent from the namespace to {@code address:port} gets no answer within the probe timeout. */
    public NetNsAssert cannotConnectUdp(String address, int port) {
        isNotNull();
        return check(() -> {
            if (tryUdp(address, port, probeTimeout) == null) {
                failWithMessage("Expected namespace '%s' to get no UDP answer from %s port %d, but it answered.%n%s",
                        actual.name(), describe(address), port, state());
            }
        });
    }

    /** Verifies that the namespace has {@code address} (with or without prefix, {@code 10.0.0.1/24} or {@code 10.0.0.1}) on some interface. */
    public NetNsAssert hasAddress(String address) {
        isNotNull();
        return check(() -> {
            boolean found = actual.addresses().stream()
                    .anyMatch(entry -> entry.cidr().equals(address) || entry.address().equals(address));
            if (!found) {
                failWithMessage("Expected namespace '%s' to have address %s, but it has:%n%s", actual.name(), address,
                        lines(actual.addresses()));
            }
        });
    }

    /** Verifies that the namespace has a route to {@code destination} ({@code default} or a CIDR). */
    public NetNsAssert hasRoute(String destination) {
        isNotNull();
        return check(() -> {
            if (actual.routes().stream().noneMatch(route -> route.destination().equals(destination))) {
                failWithMessage("Expected namespace '%s' to have a route to %s, but its routes are:%n%s", actual.name(),
                        destination, lines(actual.routes()));
            }
        });
    }

    /** Verifies that the namespace has a route to {@code destination} through {@code gateway}. */
    public NetNsAssert hasRoute(String destination, String gateway) {
        isNotNull();
        return check(() -> {
            if (actual.routes().stream().noneMatch(route -> route.destination().equals(destination)
                    && gateway.equals(route.gateway()))) {
                failWithMessage("Expected namespace '%s' to have a route to %s via %s, but its routes are:%n%s",
                        actual.name(), destination, gateway, lines(actual.routes()));
            }
        });
    }

    /** Verifies that the neighbour table of the namespace holds a resolved entry (with a MAC) for {@code address}. */
    public NetNsAssert hasNeighbour(String address) {
        isNotNull();
        return check(() -> {
            if (actual.neighbours().stream().noneMatch(entry -> entry.address().equals(address) && entry.mac() != null)) {
                failWithMessage("Expected namespace '%s' to know the hardware address of %s, but its neighbours are:%n%s",
                        actual.name(), address, lines(actual.neighbours()));
            }
        });
    }

    /** Verifies that the namespace has an interface named {@code name}, and returns assertions on it. */
    public LinkInfoAssert hasLink(String name) {
        isNotNull();
        Optional<LinkInfo> link = actual.links().stream().filter(entry -> entry.name().equals(name)).findFirst();
        if (link.isEmpty()) {
            failWithMessage("Expected namespace '%s' to have an interface %s, but it has:%n%s", actual.name(), name,
                    lines(actual.links()));
        }
        return new LinkInfoAssert(link.get(), actual.name());
    }

    private NetNsAssert check(Runnable attempt) {
        if (actual instanceof NamespaceHandle handle && !handle.shapingFailures().isEmpty()) {
            // a shaper that stopped drops everything through its link: say so rather than time out
            failWithMessage("Namespace '%s' cannot be checked: shaping stopped on an impaired link:%n%s", actual.name(),
                    lines(handle.shapingFailures()));
        }
        if (within == null) {
            attempt.run();
            return myself;
        }
        AssertionError[] last = new AssertionError[1];
        try {
            // in this thread: an attempt is never interrupted half way, and its failure is kept
            Awaitility.await().atMost(within).pollDelay(Duration.ZERO).pollInterval(RETRY_INTERVAL).pollInSameThread()
                    .untilAsserted(() -> {
                        try {
                            attempt.run();
                        } catch (AssertionError failure) {
                            last[0] = failure;
                            throw failure;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            String said = last[0] != null ? last[0].getMessage() : "(no attempt finished in time)";
            throw new AssertionError("Not true within " + within.toMillis() + " ms. The last attempt said:\n" + said, e);
        }
        return myself;
    }

    private String tryConnect(String address, int port, Duration timeout) {
        String resolved = resolve(address);
        try {
            return actual.call(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(resolved, port), (int) Math.max(1, timeout.toMillis()));
                    return null;
                } catch (IOException e) {
                    return e.getClass().getSimpleName() + ": " + e.getMessage();
                }
            });
        } catch (Exception e) {
            throw new NetnsException("connect from namespace '" + actual.name() + "' to " + address + ":" + port
                    + " could not be tried: " + e, e);
        }
    }

    /** Sends one datagram from a connected UDP socket and waits for any answer; null when one came. */
    private String tryUdp(String address, int port, Duration timeout) {
        String resolved = resolve(address);
        try {
            return actual.call(() -> {
                try (DatagramSocket socket = new DatagramSocket()) {
                    socket.connect(new InetSocketAddress(resolved, port));
                    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
                    byte[] probe = "netns-junit probe\n".getBytes(StandardCharsets.US_ASCII);
                    socket.send(new DatagramPacket(probe, probe.length));
                    socket.receive(new DatagramPacket(new byte[2048], 2048));
                    return null;
                } catch (SocketTimeoutException e) {
                    return "no answer within " + timeout.toMillis() + " ms";
                } catch (IOException e) {
                    return e.getClass().getSimpleName() + ": " + e.getMessage();
                }
            });
        } catch (Exception e) {
            throw new NetnsException("UDP from namespace '" + actual.name() + "' to " + address + ":" + port
                    + " could not be tried: " + e, e);
        }
    }

    private String resolve(String address) {
        if (actual instanceof NamespaceHandle handle) {
            return handle.resolve(address, "connect from namespace '" + actual.name() + "'");
        }
        return address;
    }

    private String describe(String address) {
        String resolved = resolve(address);
        return resolved.equals(address) ? address : address + " (" + resolved + ")";
    }

    private String addressOf(NetNs other) {
        if (other == null) {
            throw new NetnsException("the other namespace must not be null");
        }
        return other.address();
    }

    private String state() {
        try {
            return "Addresses of '" + actual.name() + "':\n" + lines(actual.addresses())
                    + "Routes of '" + actual.name() + "':\n" + lines(actual.routes());
        } catch (RuntimeException e) {
            return "(the state of '" + actual.name() + "' could not be read: " + e.getMessage() + ")";
        }
    }

    static String lines(List<?> entries) {
        if (entries.isEmpty()) {
            return "  (none)\n";
        }
        StringBuilder text = new StringBuilder();
        entries.forEach(entry -> text.append("  ").append(entry).append('\n'));
        return text.toString();
    }

    private static Duration configuredProbeTimeout() {
        String value = System.getProperty(PROBE_TIMEOUT_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_PROBE_TIMEOUT;
        }
        return parseDuration(value.strip());
    }

    /** {@code 500ms}, {@code 2s}, or ISO-8601 ({@code PT0.5S}). */
    static Duration parseDuration(String text) {
        try {
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2).strip()));
            }
            if (text.endsWith("s") && !text.startsWith("P")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1).strip()) * 1000));
            }
            return Duration.parse(text);
        } catch (RuntimeException e) {
            throw new NetnsException("'" + text + "' is not a duration (write 500ms, 2s or PT0.5S)", e);
        }
    }
}
