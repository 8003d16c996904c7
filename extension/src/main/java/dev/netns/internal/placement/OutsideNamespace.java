package dev.netns.internal.placement;

import dev.netns.internal.namespace.HomeNamespace;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;

/**
 * The empty network namespace a test run keeps its JVM in, outside every topology: loopback and a
 * sink as the only way out. The thread that runs the tests moves in before the first test, so
 * every thread it starts later (test threads, pools, clients' selector threads) is born there. A
 * connection from there to a topology address fails at once and is charged to that topology; a
 * connection anywhere else fails at once too, and nothing ever leaves through the machine's
 * network.
 */
public final class OutsideNamespace {

    private static final System.Logger LOG = System.getLogger(OutsideNamespace.class.getName());
    private static int fd = -1;
    private static boolean unavailable;

    private OutsideNamespace() {
    }

    /**
     * Moves the calling thread into the run's outside namespace, creating it the first time.
     *
     * @return whether the thread lives there now (false where the kernel refuses, e.g. without
     *         privileges: then the JVM stays where it is, and escapes are not caught)
     */
    public static synchronized boolean moveCallingThread() {
        if (unavailable) {
            return false;
        }
        try {
            if (fd >= 0) {
                Libc.setns(fd, Libc.CLONE_NEWNET);
                return true;
            }
            int original = Libc.open("/proc/thread-self/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC);
            try {
                Libc.unshare(Libc.CLONE_NEWNET);
                try {
                    EscapeSink.attachToCallingThreadsNamespace("outside every topology (on a thread of the test JVM "
                            + "that lives in no namespace of a topology)", () -> false);
                } catch (KernelException e) {
                    Libc.setns(original, Libc.CLONE_NEWNET);
                    throw e;
                }
                fd = Libc.open("/proc/thread-self/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC);
            } finally {
                Libc.close(original);
            }
            HomeNamespace.setToCallingThreads();
            return true;
        } catch (KernelException e) {
            unavailable = true;
            LOG.log(System.Logger.Level.INFO, "netns-junit: the test JVM stays in its own network namespace ("
                    + e.getMessage() + "); JVM code outside a topology that connects to it is not caught");
            return false;
        }
    }
}
