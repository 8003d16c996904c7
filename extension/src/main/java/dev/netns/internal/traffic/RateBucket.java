package dev.netns.internal.traffic;

/**
 * A token bucket that computes when each frame may leave: frames leave back to back at the rate,
 * time left idle is kept as credit up to a burst of 2 ms (at least two full 1514-byte frames),
 * and a frame that would wait more than {@link #MAX_BACKLOG_NANOS} (or four full frames' time on
 * a slow link) behind the others is refused, as a router's queue would overflow. Pure.
 */
final class RateBucket {

    /** The longest a frame may queue behind others for the rate: 500 ms. */
    static final long MAX_BACKLOG_NANOS = 500_000_000L;

    private static final long NANOS = 1_000_000_000L;

    private final long bitsPerSecond;
    private final long burstNanos;
    private final long maxBacklogNanos;
    private long nextFree = Long.MIN_VALUE;

    RateBucket(long bitsPerSecond) {
        this.bitsPerSecond = bitsPerSecond;
        this.burstNanos = Math.max(2_000_000L, transmitNanos(2 * 1514));
        this.maxBacklogNanos = Math.max(MAX_BACKLOG_NANOS, transmitNanos(4 * 1514));
    }

    /**
     * When a frame of {@code length} bytes that may leave from {@code earliest} on leaves at this
     * rate; -1 when it would wait too long (then the bucket is unchanged).
     */
    long departure(long earliest, int length) {
        long start = Math.max(nextFree, earliest - burstNanos);
        if (start - earliest > maxBacklogNanos) {
            return -1;
        }
        nextFree = start + transmitNanos(length);
        return Math.max(earliest, start);
    }

    private long transmitNanos(long bytes) {
        // bytes * 8 * 1e9 stays below 2^63 for any frame; the division rounds up so the rate is never exceeded
        long bits = bytes * 8;
        long rest = (bits % bitsPerSecond) * NANOS;
        return bits / bitsPerSecond * NANOS + rest / bitsPerSecond + (rest % bitsPerSecond == 0 ? 0 : 1);
    }
}
