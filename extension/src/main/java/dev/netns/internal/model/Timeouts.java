package dev.netns.internal.model;

import java.time.Duration;

/** Timeouts as users give them, made safe for nanosecond arithmetic. Pure. */
public final class Timeouts {

    /** The longest wait: a hundred years, which no test outlives. Longer timeouts mean this. */
    public static final Duration LONGEST = Duration.ofDays(365L * 100);

    private Timeouts() {
    }

    /**
     * {@code timeout}, or {@link #LONGEST} if it is longer ({@code Duration.ofSeconds(Long.MAX_VALUE)}
     * means "no timeout", not an overflow); null and negative values are the caller's to refuse.
     */
    public static Duration clamp(Duration timeout) {
        return timeout.compareTo(LONGEST) > 0 ? LONGEST : timeout;
    }
}
