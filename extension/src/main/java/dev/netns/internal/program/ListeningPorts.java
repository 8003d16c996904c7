package dev.netns.internal.program;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether something listens on a TCP port, read from the kernel's socket table of the calling
 * thread's namespace ({@code /proc/thread-self/net/tcp} and {@code tcp6}): no connection is made,
 * so no server ever sees a probe.
 */
public final class ListeningPorts {

    private static final String LISTEN = "0A";

    private ListeningPorts() {
    }

    /** On the namespace's own thread: whether a TCP socket listens on {@code port}, on any address, IPv4 or IPv6. */
    public static boolean listensHere(int port) throws IOException {
        return listensIn("tcp", port) || listensIn("tcp6", port);
    }

    private static boolean listensIn(String table, int port) throws IOException {
        Path file = Path.of("/proc/thread-self/net", table);
        if (!Files.exists(file)) {
            return false;
        }
        String hexPort = String.format(":%04X", port);
        for (String line : Files.readAllLines(file)) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length > 3 && fields[1].endsWith(hexPort) && LISTEN.equals(fields[3])) {
                return true;
            }
        }
        return false;
    }
}
