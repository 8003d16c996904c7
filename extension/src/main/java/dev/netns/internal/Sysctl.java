package dev.netns.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Network sysctls, which apply to the namespace of the calling thread. */
final class Sysctl {

    private Sysctl() {
    }

    /** Sets {@code key} (as under {@code /proc/sys}); a read first spares the costlier write when it already holds. */
    static void set(String key, String value) throws IOException {
        Path file = Path.of("/proc/sys", key);
        if (!Files.readString(file).strip().equals(value)) {
            Files.writeString(file, value);
        }
    }

    /** Whether {@code key} exists in this namespace (some appear only with their kernel module). */
    static boolean exists(String key) {
        return Files.exists(Path.of("/proc/sys", key));
    }
}
