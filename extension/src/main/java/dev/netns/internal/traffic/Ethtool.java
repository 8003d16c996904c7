package dev.netns.internal.traffic;

import com.sun.jna.Memory;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import java.nio.charset.StandardCharsets;

/**
 * The few ethtool settings netns-junit changes, through the {@code SIOCETHTOOL} ioctl (no ethtool
 * program): turning offloads off on an interface of its own, so that the kernel hands it complete,
 * checksummed frames no larger than the MTU. To be used on the namespace's thread.
 */
final class Ethtool {

    private static final int ETHTOOL_STXCSUM = 0x17;
    private static final int ETHTOOL_SSG = 0x19;
    private static final int ETHTOOL_STSO = 0x1f;
    private static final int ETHTOOL_SGSO = 0x24;

    private Ethtool() {
    }

    /** Turns off TX checksum offload, scatter-gather, TSO and GSO of {@code interfaceName}. */
    static void disableOffloads(String interfaceName) {
        setOffloads(interfaceName, false);
    }

    /**
     * Turns TX checksum offload, scatter-gather, TSO and GSO of {@code interfaceName} on (the
     * kernel then hands over segments of up to 64 KiB, checksums left to the sending device) or
     * off (whole, checksummed frames no larger than the MTU).
     */
    static void setOffloads(String interfaceName, boolean on) {
        int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        try {
            int[] order = on ? new int[] {ETHTOOL_STXCSUM, ETHTOOL_SSG, ETHTOOL_STSO, ETHTOOL_SGSO}
                    : new int[] {ETHTOOL_STSO, ETHTOOL_SGSO, ETHTOOL_SSG, ETHTOOL_STXCSUM};
            for (int command : order) {
                set(fd, interfaceName, command, on ? 1 : 0);
            }
        } finally {
            Libc.close(fd);
        }
    }

    private static void set(int fd, String interfaceName, int command, int value) {
        try (Memory ethtoolValue = new Memory(8); Memory request = new Memory(40)) {
            ethtoolValue.setInt(0, command);
            ethtoolValue.setInt(4, value);
            request.clear();
            byte[] name = interfaceName.getBytes(StandardCharsets.US_ASCII);
            request.write(0, name, 0, name.length);
            request.setPointer(16, ethtoolValue);
            Libc.ioctl(fd, Libc.SIOCETHTOOL, request);
        } catch (KernelException e) {
            throw new KernelException("turn off offload " + Integer.toHexString(command) + " on " + interfaceName,
                    e.errno(), null);
        }
    }
}
