package dev.netns;

import java.time.Instant;

/**
 * One packet recorded by a {@link Capture}, decoded.
 *
 * @param time when it was recorded
 * @param source the source IP address (for ARP: the sender's), or the source MAC for other frames
 * @param destination the destination IP address (for ARP: the target's), or the destination MAC
 * @param protocol {@code "icmp"}, {@code "icmpv6"}, {@code "tcp"}, {@code "udp"}, {@code "arp"},
 *        {@code "ipv4"} / {@code "ipv6"} for other IP protocols, or {@code "ethertype 0x88cc"}
 * @param sourcePort the TCP or UDP source port, 0 where none
 * @param destinationPort the TCP or UDP destination port, 0 where none
 * @param length the frame's length in bytes
 */
public record CapturedPacket(Instant time, String source, String destination, String protocol, int sourcePort,
        int destinationPort, int length) {

    @Override
    public String toString() {
        return protocol + " " + source + (sourcePort == 0 ? "" : ":" + sourcePort) + " > " + destination
                + (destinationPort == 0 ? "" : ":" + destinationPort) + " (" + length + " bytes)";
    }
}
