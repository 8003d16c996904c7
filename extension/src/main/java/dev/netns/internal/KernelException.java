package dev.netns.internal;

/**
 * The kernel refused a request: carries {@code errno} and, where the kernel gave one, its
 * extended-ack text ("Nexthop has invalid gateway").
 */
public final class KernelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** File exists: the object is there already. */
    static final int EEXIST = 17;
    /** Network is unreachable: e.g. a gateway whose link is down. */
    static final int ENETUNREACH = 101;

    private final int errno;

    KernelException(String action, int errno, String kernelText) {
        super(action + ": " + Libc.describe(errno)
                + (kernelText == null || kernelText.isEmpty() ? "" : " - kernel says: " + kernelText));
        this.errno = errno;
    }

    /** The error number the kernel returned. */
    public int errno() {
        return errno;
    }
}
