package dev.netns.internal.system;

/**
 * The kernel refused a request: carries {@code errno} and, where the kernel gave one, its
 * extended-ack text ("Nexthop has invalid gateway"). The one exception the layers that talk to
 * the kernel throw; the deployment turns it into a {@code NetnsException} naming the declaration.
 */
public final class KernelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int errno;

    /**
     * A refusal with an error number.
     *
     * @param action what was asked, in words ("add route 10.0.0.0/24 via 10.0.1.1")
     * @param errno the error number the kernel returned
     * @param kernelText the kernel's own words, or null
     */
    public KernelException(String action, int errno, String kernelText) {
        super(action + ": " + Libc.describe(errno)
                + (kernelText == null || kernelText.isEmpty() ? "" : " - kernel says: " + kernelText));
        this.errno = errno;
    }

    /** A refusal known only by its reason (a file under {@code /proc/sys} that cannot be written). */
    public KernelException(String action, String reason) {
        super(action + ": " + reason);
        this.errno = 0;
    }

    private KernelException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The same refusal with more to read after the kernel's words (e.g. the refused ruleset). */
    public KernelException withDetail(String detail) {
        return new KernelException(getMessage() + "\n" + detail, errno, this);
    }

    /** The same refusal as a step of a larger action ("create network namespace x: unshare: ..."). */
    public KernelException during(String action) {
        return new KernelException(action + ": " + getMessage(), errno, this);
    }

    /** The error number the kernel returned; 0 when only a reason is known. */
    public int errno() {
        return errno;
    }
}
