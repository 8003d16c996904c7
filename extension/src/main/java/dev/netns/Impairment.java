package dev.netns;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * How a {@link Link} misbehaves: any subset of delay, jitter, loss and rate; what is not set is
 * left untouched. Values are checked when set: delay and jitter from 0 to {@link #MAX_DELAY one
 * hour}, rates from {@link #MIN_RATE 1 kbit/s}, percentages from 0 to 100.
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

    /** The longest delay, and the widest jitter, an impairment accepts: one hour. */
    public static final Duration MAX_DELAY = Duration.ofHours(1);

    /** The lowest rate an impairment accepts: 1 kbit/s. */
    public static final long MIN_RATE = 1000;

    private final Duration delay;
    private final Duration jitter;
    private final Double lossPercent;
    private final Long rateBitsPerSecond;
    private final Long seed;
    private final double duplicatePercent;
    private final double reorderPercent;
    private final double corruptPercent;
    private final double[] gilbertElliott;
    private final boolean controlFrames;

    private Impairment(Builder builder) {
        this.controlFrames = builder.controlFrames;
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

    /**
     * Whether loss, duplication and corruption also hit link-layer control frames: ARP, IPv6
     * neighbour and router discovery, and every other frame that is not an IP packet. False
     * unless set: by default they apply to IP traffic only (delay and rate apply to every frame).
     */
    public boolean controlFrames() {
        return controlFrames;
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
        builder.controlFrames = controlFrames;
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
        if (controlFrames) {
            text.append("control frames too, ");
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
        private boolean controlFrames;

        private Builder() {
        }

        /**
         * Whether loss, duplication and corruption also hit ARP, IPv6 neighbour discovery and
         * other non-IP frames (default false: only IP packets are lost, duplicated or corrupted,
         * so that "30 % loss" means the test's traffic, not the neighbour lookup before it).
         */
        public Builder controlFrames(boolean included) {
            this.controlFrames = included;
            return this;
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

        /** A one-way delay added to every packet, at most {@link #MAX_DELAY one hour}. */
        public Builder delay(Duration delay) {
            this.delay = bounded(delay, "delay");
            return this;
        }

        /** A random variation of the delay, up to this much either way, at most {@link #MAX_DELAY one hour}. */
        public Builder jitter(Duration jitter) {
            this.jitter = bounded(jitter, "jitter");
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

        /** Limits the rate to this many bits per second, at least {@link #MIN_RATE 1000}. */
        public Builder rate(long bitsPerSecond) {
            if (bitsPerSecond < MIN_RATE) {
                throw new NetnsException("Impairment rate must be at least " + MIN_RATE + " bits per second (1 kbit/s), not "
                        + bitsPerSecond);
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

        private static Duration bounded(Duration value, String what) {
            if (value == null || value.isNegative()) {
                throw new NetnsException("Impairment " + what + " must be zero or positive, not " + value);
            }
            if (value.compareTo(MAX_DELAY) > 0) {
                throw new NetnsException("Impairment " + what + " must be at most 1 hour, not " + value);
            }
            return value;
        }
    }
}
