package dev.netns.internal.placement;

import dev.netns.internal.model.IpAddress;

/**
 * A connection attempt (or datagram) that reached a sink: JVM code living outside the topology,
 * or in a closed topology, sent it to {@code destination}.
 *
 * @param protocol {@code "tcp"} or {@code "udp"}
 * @param destination where it was going
 * @param port its destination port
 * @param origin where the sending thread lived, in words ("outside every topology", "in namespace
 *        'red' of a closed topology")
 * @param namespace the logical name of the namespace that has {@code destination}, once charged
 */
public record Escape(String protocol, IpAddress destination, int port, String origin, String namespace) {

    /** The same escape, charged to the namespace {@code name} that has its destination. */
    Escape in(String name) {
        return new Escape(protocol, destination, port, origin, name);
    }

    /** {@code 10.0.0.2:8080} or {@code [fd00::2]:8080}. */
    public String target() {
        return (destination.isIpv4() ? destination.toString() : "[" + destination + "]") + ":" + port;
    }
}
