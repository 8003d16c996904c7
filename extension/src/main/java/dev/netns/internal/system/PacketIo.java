package dev.netns.internal.system;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * {@code recv} and {@code send} for the shaper's hot loop: into native memory (so a 64 KiB
 * buffer is not copied in and out of the JVM on every call) and without exceptions (a would-block
 * answer is the normal end of every batch). Failures return {@code -errno}.
 */
public final class PacketIo {

    private PacketIo() {
    }

    /** The bound functions themselves; their names are the C symbols. */
    private static final class C {

        static {
            Native.register(C.class, "c");
        }

        static native long recv(int fd, Pointer buffer, long length, int flags);

        static native long send(int fd, byte[] buffer, long length, int flags);

        static native long send(int fd, Pointer buffer, long length, int flags);

        static native int getsockopt(int fd, int level, int name, int[] value, int[] length);
    }

    /** {@code send(2)} from native memory: the length sent, or {@code -errno}. */
    public static long send(int fd, Pointer buffer, long length, int flags) {
        long result = C.send(fd, buffer, length, flags);
        return result >= 0 ? result : -Native.getLastError();
    }

    private static final int SOL_PACKET = 263;
    private static final int PACKET_STATISTICS = 6;

    /**
     * How many frames the kernel dropped at this {@code AF_PACKET} socket since the last call
     * (its receive queue was full); -1 when it cannot say.
     */
    public static long packetDrops(int fd) {
        int[] statistics = new int[2];   // struct tpacket_stats: packets, drops (reading resets them)
        int[] length = {8};
        return C.getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, statistics, length) == 0
                ? Integer.toUnsignedLong(statistics[1]) : -1;
    }

    /** {@code recv(2)} into {@code buffer}: the length, or {@code -errno}. */
    public static long recv(int fd, Pointer buffer, long length, int flags) {
        long result = C.recv(fd, buffer, length, flags);
        return result >= 0 ? result : -Native.getLastError();
    }

    /** {@code send(2)} of the first {@code length} bytes of {@code buffer}: the length sent, or {@code -errno}. */
    public static long send(int fd, byte[] buffer, long length, int flags) {
        long result = C.send(fd, buffer, length, flags);
        return result >= 0 ? result : -Native.getLastError();
    }
}
