package dev.netns;

import java.nio.file.Path;
import java.util.List;

/**
 * A recording of the packets that cross one interface, both ways, from {@link NetNs#capture(String)}.
 * No {@code tcpdump} is needed: the JVM reads the interface with an {@code AF_PACKET} socket made
 * in the namespace.
 *
 * <pre>{@code
 * try (Capture capture = blue.capture("eth0")) {
 *     red.ping("blue");
 *     assertThat(capture.packets()).anyMatch(p -> p.protocol().equals("icmp") && p.source().equals("10.0.0.1"));
 * }
 * // tcpdump -r capture.file() or Wireshark read the recording
 * }</pre>
 *
 * <p>It stops on {@link #close()} or when the topology is torn down; what was recorded stays
 * readable.
 */
public interface Capture extends AutoCloseable {

    /** The packets recorded so far, oldest first, decoded. */
    List<CapturedPacket> packets();

    /**
     * The recording as a pcap file (Ethernet link type), readable by tcpdump and Wireshark. It
     * stays readable after {@link #close()}, and is deleted when the topology closes: copy it to
     * keep it.
     */
    Path file();

    /**
     * How many packets are not in the recording: the oldest ones, let go so that the recording
     * keeps to its limit (the last {@code netns.capture.maxBytes} bytes, 32 MiB unless set), plus
     * those the kernel dropped because the recorder could not keep up.
     */
    default long dropped() {
        return 0;
    }

    /** Stops recording; safe to call twice. */
    @Override
    void close();
}
