package dev.netns.internal.system;

/** The error numbers the code acts on, by their C names (Linux, every architecture we run on). */
public final class Errno {

    /** No such file or directory: e.g. a socket that is already gone. */
    public static final int ENOENT = 2;
    /** No such process. */
    public static final int ESRCH = 3;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Cannot allocate memory: also a fork into a PID namespace whose init has ended. */
    public static final int ENOMEM = 12;
    /** Try again: nothing to read yet, or a receive timeout passed. */
    public static final int EAGAIN = 11;
    /** File exists: the object is there already. */
    public static final int EEXIST = 17;
    /** No such device: no interface of that name. */
    public static final int ENODEV = 19;
    /** Operation not supported: e.g. a link kind whose kernel module is missing. */
    public static final int EOPNOTSUPP = 95;
    /** Network is unreachable: e.g. a gateway whose link is down. */
    public static final int ENETUNREACH = 101;
    /** No such process: it has exited (for a pidfd, even if its pid number was reused). */
    /** No such device or address: e.g. a FIFO opened for writing with nobody reading. */
    public static final int ENXIO = 6;
    /** Host is unreachable. */
    public static final int EHOSTUNREACH = 113;

    private Errno() {
    }
}
