package dev.netns;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * How a {@link Link} misbehaves: any subset of delay, jitter, loss and rate; what is not set is
 * left untouched.
 *
 * <pre>{@code
 * red.link("eth0").impair(Impairment.builder()
 *         .delay(Duration.ofMillis(100))
 *         .loss(5)                       // percent
 *         .rate(10_000_000)              // bits per second
 *         .seed(42)                      // the same packets are dropped again next time
 *         .build());
 * }</pre>
 */
public final class Impairment {

    private final Duration delay;
    private final Duration jitter;
    private final Double lossPercent;
    private final Long rateBitsPerSecond;
    private final Long seed;

    private Impairment(Builder builder) {
        this.delay = builder.delay;
        this.jitter = builder.jitter;
        this.lossPercent = builder.loss;
        this.rateBitsPerSecond = builder.rate;
        this.seed = builder.seed;
    }

    /** Starts an impairment; every setting is optional. */
    public static Builder builder() {
        return new Builder();
    }

    /** The added one-way delay, if set. */
    public Optional<Duration> delay() {
        return Optional.ofNullable(delay);
    }

    /** The jitter around the delay, if set. */
    public Optional<Duration> jitter() {
        return Optional.ofNullable(jitter);
    }

    /** The share of packets dropped, in percent, if set. */
    public OptionalDouble loss() {
        return lossPercent == null ? OptionalDouble.empty() : OptionalDouble.of(lossPercent);
    }

    /** The rate limit in bits per second, if set. */
    public OptionalLong rate() {
        return rateBitsPerSecond == null ? OptionalLong.empty() : OptionalLong.of(rateBitsPerSecond);
    }

    /** The seed of the random choices, if set. */
    public OptionalLong seed() {
        return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Impairment[");
        if (delay != null) {
            text.append("delay ").append(delay.toMillis()).append(" ms, ");
        }
        if (jitter != null) {
            text.append("jitter ").append(jitter.toMillis()).append(" ms, ");
        }
        if (lossPercent != null) {
            text.append("loss ").append(lossPercent).append(" %, ");
        }
        if (rateBitsPerSecond != null) {
            text.append("rate ").append(rateBitsPerSecond).append(" bit/s, ");
        }
        if (seed != null) {
            text.append("seed ").append(seed).append(", ");
        }
        String body = text.toString();
        return (body.endsWith(", ") ? body.substring(0, body.length() - 2) : body + "nothing") + "]";
    }

    /** Collects the settings of an {@link Impairment}. */
    public static final class Builder {

        private Duration delay;
        private Duration jitter;
        private Double loss;
        private Long rate;
        private Long seed;

        private Builder() {
        }

        /** A one-way delay added to every packet. */
        public Builder delay(Duration delay) {
            this.delay = nonNegative(delay, "delay");
            return this;
        }

        /** A random variation of the delay, up to this much either way. */
        public Builder jitter(Duration jitter) {
            this.jitter = nonNegative(jitter, "jitter");
            return this;
        }

        /** Drops this share of packets, in percent (0 to 100). */
        public Builder loss(double percent) {
            if (!(percent >= 0 && percent <= 100)) {
                throw new NetnsException("Impairment loss must be a percentage from 0 to 100, not " + percent);
            }
            this.loss = percent;
            return this;
        }

        /** Limits the rate to this many bits per second. */
        public Builder rate(long bitsPerSecond) {
            if (bitsPerSecond <= 0) {
                throw new NetnsException("Impairment rate must be positive bits per second, not " + bitsPerSecond);
            }
            this.rate = bitsPerSecond;
            return this;
        }

        /** The seed of the random choices, so that a test replays the same losses. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The impairment. */
        public Impairment build() {
            if (jitter != null && delay == null) {
                throw new NetnsException("Impairment jitter needs a delay to vary around: set delay(...) too");
            }
            return new Impairment(this);
        }

        private static Duration nonNegative(Duration value, String what) {
            if (value == null || value.isNegative()) {
                throw new NetnsException("Impairment " + what + " must be zero or positive, not " + value);
            }
            return value;
        }
    }
}
