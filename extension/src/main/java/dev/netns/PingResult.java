package dev.netns;

/**
 * The outcome of an ICMP echo sent from inside a namespace.
 *
 * @param from logical name of the namespace that pinged
 * @param address the address pinged
 * @param reachable whether a reply came back in time
 * @param output what {@code ping} printed, for failure messages
 */
public record PingResult(String from, String address, boolean reachable, String output) {

    @Override
    public String toString() {
        return "ping " + address + " from " + from + ": " + (reachable ? "reachable" : "unreachable")
                + (output.isBlank() ? "" : "\n" + output.strip());
    }
}
