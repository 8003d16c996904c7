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
    private final double duplicatePercent;
    private final double reorderPercent;
    private final double corruptPercent;
    private final double[] gilbertElliott;

    private Impairment(Builder builder) {
        this.duplicatePercent = builder.duplicate;
        this.reorderPercent = builder.reorder;
        this.corruptPercent = builder.corrupt;
        this.gilbertElliott = builder.gilbertElliott;
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

    /** The share of packets sent twice, in percent (0 when unset). */
    public double duplicate() {
        return duplicatePercent;
    }

    /** The share of packets sent at once, ahead of delayed ones, in percent (0 when unset). */
    public double reorder() {
        return reorderPercent;
    }

    /** The share of packets with one bit flipped, in percent (0 when unset). */
    public double corrupt() {
        return corruptPercent;
    }

    /**
     * The Gilbert-Elliott burst loss model, if set: {@code [p, r, lossInBad, lossInGood]} in
     * percent; empty when unset.
     */
    public Optional<double[]> gilbertElliott() {
        return Optional.ofNullable(gilbertElliott == null ? null : gilbertElliott.clone());
    }

    /** The same impairment with this seed (used to report the seed that was picked at random). */
    public Impairment withSeed(long newSeed) {
        Builder builder = new Builder();
        builder.delay = delay;
        builder.jitter = jitter;
        builder.loss = lossPercent;
        builder.rate = rateBitsPerSecond;
        builder.duplicate = duplicatePercent;
        builder.reorder = reorderPercent;
        builder.corrupt = corruptPercent;
        builder.gilbertElliott = gilbertElliott;
        builder.seed = newSeed;
        return new Impairment(builder);
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
        if (duplicatePercent > 0) {
            text.append("duplicate ").append(duplicatePercent).append(" %, ");
        }
        if (reorderPercent > 0) {
            text.append("reorder ").append(reorderPercent).append(" %, ");
        }
        if (corruptPercent > 0) {
            text.append("corrupt ").append(corruptPercent).append(" %, ");
        }
        if (gilbertElliott != null) {
            text.append("Gilbert-Elliott p ").append(gilbertElliott[0]).append(" % r ").append(gilbertElliott[1])
                .append(" % loss in bad ").append(gilbertElliott[2]).append(" % in good ").append(gilbertElliott[3])
                .append(" %, ");
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
        private double duplicate;
        private double reorder;
        private double corrupt;
        private double[] gilbertElliott;

        private Builder() {
        }

        /** Sends this share of packets twice, in percent. */
        public Builder duplicate(double percent) {
            this.duplicate = percent(percent, "duplicate");
            return this;
        }

        /** Sends this share of packets at once, ahead of the delayed others, in percent (needs a delay). */
        public Builder reorder(double percent) {
            this.reorder = percent(percent, "reorder");
            return this;
        }

        /** Flips one bit in this share of packets, in percent (the receiver's checksums then drop them). */
        public Builder corrupt(double percent) {
            this.corrupt = percent(percent, "corrupt");
            return this;
        }

        /**
         * Loses packets in bursts, by the Gilbert-Elliott model: from the good state the link turns
         * bad with probability {@code p} per packet, and good again with {@code r}; it loses
         * {@code lossInBad} of the packets in the bad state and {@code lossInGood} in the good one.
         * All in percent. With {@code loss(..)} too, both apply.
         */
        public Builder gilbertElliott(double p, double r, double lossInBad, double lossInGood) {
            this.gilbertElliott = new double[] {percent(p, "Gilbert-Elliott p"), percent(r, "Gilbert-Elliott r"),
                percent(lossInBad, "Gilbert-Elliott loss in bad"), percent(lossInGood, "Gilbert-Elliott loss in good")};
            return this;
        }

        private static double percent(double value, String what) {
            if (!(value >= 0 && value <= 100)) {
                throw new NetnsException("Impairment " + what + " must be a percentage from 0 to 100, not " + value);
            }
            return value;
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
            if (reorder > 0 && delay == null) {
                throw new NetnsException("Impairment reorder sends some packets ahead of delayed ones: set delay(...) too");
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
