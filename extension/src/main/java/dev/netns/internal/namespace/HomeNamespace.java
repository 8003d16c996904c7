package dev.netns.internal.namespace;

import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;

/**
 * The network namespace the JVM lives in outside every topology: the machine's, or the empty
 * namespace the test run moved it into. The library's own background threads start there,
 * whichever thread creates them, so that none of them ever holds a topology's namespace alive
 * after it closed (a thread is born in the namespace of the thread that starts it).
 */
public final class HomeNamespace {

    private static int fd = -1;

    private HomeNamespace() {
    }

    /** Makes the calling thread's namespace the home of the library's threads from now on. */
    public static synchronized void setToCallingThreads() {
        int opened = Libc.open("/proc/thread-self/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd >= 0) {
            Libc.close(fd);
        }
        fd = opened;
    }

    private static synchronized int fd() {
        if (fd < 0) {
            // the main thread's namespace: where the JVM started
            fd = Libc.open("/proc/self/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC);
        }
        return fd;
    }

    /** A daemon thread that moves home first, then runs {@code task}. */
    public static Thread thread(Runnable task, String name) {
        int home = fd();
        Thread thread = new Thread(() -> {
            try {
                Libc.setns(home, Libc.CLONE_NEWNET);
            } catch (KernelException e) {
                // without privileges to move (never expected): run where it was born
            }
            task.run();
        }, name);
        thread.setDaemon(true);
        return thread;
    }
}
