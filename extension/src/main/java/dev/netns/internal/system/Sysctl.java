package dev.netns.internal.system;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Network sysctls, which apply to the namespace of the calling thread. */
public final class Sysctl {

    private Sysctl() {
    }

    /**
     * Sets {@code key} (as under {@code /proc/sys}); a read first spares the costlier write when it
     * already holds.
     *
     * @throws KernelException naming the key and the reason (e.g. "Read-only file system")
     */
    public static void set(String key, String value) {
        Path file = Path.of("/proc/sys", key);
        try {
            if (!Files.readString(file).strip().equals(value)) {
                Files.writeString(file, value);
            }
        } catch (IOException e) {
            String reason = e instanceof FileSystemException fileSystem && fileSystem.getReason() != null
                    ? fileSystem.getReason() : e.toString();
            throw new KernelException("set sysctl " + key + " to " + value, reason);
        }
    }

    /** Whether {@code key} exists in this namespace (some appear only with their kernel module). */
    public static boolean exists(String key) {
        return Files.exists(Path.of("/proc/sys", key));
    }
}
