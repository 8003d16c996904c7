package dev.netns.assertj;

import dev.netns.NetNs;
import dev.netns.NetnsException;
import dev.netns.PingResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on what a namespace can reach. A failure says what was tried, from where, and shows
 * the namespace's addresses and routes at that moment.
 */
public class NetNsAssert extends AbstractAssert<NetNsAssert, NetNs> {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    /** Use {@link NetnsAssertions#assertThat(NetNs)}. */
    protected NetNsAssert(NetNs actual) {
        super(actual, NetNsAssert.class);
    }

    /** Verifies that an ICMP echo from the namespace to {@code address} is answered. */
    public NetNsAssert canPing(String address) {
        isNotNull();
        PingResult result = actual.ping(address);
        if (!result.reachable()) {
            failWithMessage("Expected namespace '%s' to reach %s by ping, but it did not.%n%s%n%s",
                    actual.name(), address, indent(result.output()), state());
        }
        return myself;
    }

    /** Verifies that an ICMP echo from the namespace to {@code other}'s address is answered. */
    public NetNsAssert canPing(NetNs other) {
        isNotNull();
        if (other == null) {
            throw new IllegalArgumentException("the namespace to ping must not be null");
        }
        return canPing(other.address());
    }

    /** Verifies that an ICMP echo from the namespace to {@code address} is not answered. */
    public NetNsAssert cannotPing(String address) {
        isNotNull();
        PingResult result = actual.ping(address);
        if (result.reachable()) {
            failWithMessage("Expected namespace '%s' not to reach %s by ping, but it answered.%n%s%n%s",
                    actual.name(), address, indent(result.output()), state());
        }
        return myself;
    }

    /** Verifies that an ICMP echo from the namespace to {@code other}'s address is not answered. */
    public NetNsAssert cannotPing(NetNs other) {
        isNotNull();
        return cannotPing(other.address());
    }

    /** Verifies that a TCP connection from the namespace to {@code address:port} is accepted within 3 s. */
    public NetNsAssert canConnect(String address, int port) {
        isNotNull();
        String failure = tryConnect(address, port);
        if (failure != null) {
            failWithMessage("Expected namespace '%s' to connect to %s:%d over TCP, but: %s%n%s",
                    actual.name(), address, port, failure, state());
        }
        return myself;
    }

    /** Verifies that a TCP connection from the namespace to {@code address:port} is refused or times out. */
    public NetNsAssert cannotConnect(String address, int port) {
        isNotNull();
        if (tryConnect(address, port) == null) {
            failWithMessage("Expected namespace '%s' not to connect to %s:%d over TCP, but the connection was accepted.%n%s",
                    actual.name(), address, port, state());
        }
        return myself;
    }

    private String tryConnect(String address, int port) {
        try {
            return actual.call(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(address, port), (int) CONNECT_TIMEOUT.toMillis());
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

    private String state() {
        try {
            return "Addresses of '" + actual.name() + "':\n" + lines(actual.addresses())
                    + "Routes of '" + actual.name() + "':\n" + lines(actual.routes());
        } catch (RuntimeException e) {
            return "(the state of '" + actual.name() + "' could not be read: " + e.getMessage() + ")";
        }
    }

    private static String lines(java.util.List<?> entries) {
        if (entries.isEmpty()) {
            return "  (none)\n";
        }
        StringBuilder text = new StringBuilder();
        entries.forEach(entry -> text.append("  ").append(entry).append('\n'));
        return text.toString();
    }

    private static String indent(String text) {
        StringBuilder indented = new StringBuilder();
        for (String line : text.strip().split("\n")) {
            indented.append("  ").append(line).append('\n');
        }
        return indented.toString();
    }
}
