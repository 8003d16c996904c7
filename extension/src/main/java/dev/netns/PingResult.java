package dev.netns;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of an ICMP echo sent from inside a namespace.
 *
 * <pre>{@code
 * PingResult ping = red.ping("blue");
 * Duration rtt = ping.rtt().orElseThrow();   // empty when blue did not answer
 * }</pre>
 *
 * @param from logical name of the namespace that pinged
 * @param address the address pinged
 * @param reachable whether a reply came back in time
 * @param output what happened, in words, for failure messages ({@code reply to echo 1 after 0.061 ms (1 sent)})
 * @param rtt the round-trip time of the first reply: from sending the echo request that was answered to
 *     receiving its reply, measured in the JVM; empty when no reply came ({@code reachable()} is false)
 */
public record PingResult(String from, String address, boolean reachable, String output, Optional<Duration> rtt) {

    /** Checks that an unreachable result has no round trip and a reachable one has one. */
    public PingResult {
        Objects.requireNonNull(rtt, "rtt (use Optional.empty())");
        if (reachable != rtt.isPresent()) {
            throw new IllegalArgumentException("a reachable ping has a round-trip time and an unreachable one has none");
        }
    }

    /**
     * A result without a measured round trip: an unreachable one.
     *
     * @param from logical name of the namespace that pinged
     * @param address the address pinged
     * @param output what happened, in words
     * @return an unreachable result
     */
    public static PingResult unreachable(String from, String address, String output) {
        return new PingResult(from, address, false, output, Optional.empty());
    }

    @Override
    public String toString() {
        return "ping " + address + " from " + from + ": " + (reachable ? "reachable" : "unreachable")
                + (output.isBlank() ? "" : "\n" + output.strip());
    }
}
