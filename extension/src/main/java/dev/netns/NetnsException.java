package dev.netns;

/**
 * The one exception netns-junit throws. Its message names the declaration at fault (the builder
 * call or annotation), what was being done, and the kernel's or tool's own words.
 *
 * <pre>{@code
 * dev.netns.NetnsException: veth("red", "192.168.15.300/24", "blue", null): left address
 *     '192.168.15.300/24' is not a CIDR: '192.168.15.300' is not an IPv4 address (300 is over 255)
 * }</pre>
 *
 * <p>Whenever one is thrown while a topology starts, nothing of that topology is left behind.
 */
public class NetnsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An error with a message. */
    public NetnsException(String message) {
        super(message);
    }

    /** An error with a message and the underlying cause. */
    public NetnsException(String message, Throwable cause) {
        super(message, cause);
    }
}
