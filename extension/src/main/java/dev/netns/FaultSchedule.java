package dev.netns;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A seeded schedule of faults, run by {@link Topology#startFaults(FaultSchedule)}: every interval
 * the previous fault is healed and the next one is chosen, with its targets, from the seed.
 *
 * <pre>{@code
 * FaultSchedule schedule = FaultSchedule.builder()
 *         .seed(42)
 *         .every(Duration.ofSeconds(2))
 *         .faults(Fault.isolateOne("n1", "n2", "n3"), Fault.partitionHalves("n1", "n2", "n3"))
 *         .build();
 * try (FaultRun faults = net.startFaults(schedule)) {
 *     // ... the cluster under test works while faults come and go
 * }   // the last fault is healed
 * }</pre>
 *
 * <p>The same seed, the same faults (in the same order, with the same nodes or programs) and the
 * same interval give the same faults on the same targets in the same order: a failing run
 * replays from its seed, which the timeline and the report of a failed test name.
 * {@link #preview(int)} shows the choices without running anything.
 */
public final class FaultSchedule {

    private final long seed;
    private final Duration every;
    private final Duration calm;
    private final List<Fault> faults;

    private FaultSchedule(long seed, Duration every, Duration calm, List<Fault> faults) {
        this.seed = seed;
        this.every = every;
        this.calm = calm;
        this.faults = faults;
    }

    /** Starts a schedule. */
    public static Builder builder() {
        return new Builder();
    }

    /** The seed; chosen at random and logged when the builder got none. */
    public long seed() {
        return seed;
    }

    /** How long each fault holds. */
    public Duration every() {
        return every;
    }

    /** How long the network stays whole between a heal and the next fault ({@link Duration#ZERO} by default). */
    public Duration calm() {
        return calm;
    }

    /** The faults it picks from, in the order given. */
    public List<Fault> faults() {
        return faults;
    }

    /**
     * The first {@code count} faults this schedule makes, in words, without running anything:
     * the descriptions its {@link FaultRun#timeline()} will show.
     *
     * <pre>{@code schedule.preview(3)  // [isolate n2 from n1, n3, partition halves [n3] | [n1, n2], ...]}</pre>
     */
    public List<String> preview(int count) {
        Random random = random();
        List<String> descriptions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            descriptions.add(next(random).description());
        }
        return descriptions;
    }

    /** A fresh source of the schedule's choices. */
    Random random() {
        return new Random(seed);
    }

    /** The next fault and its targets. */
    Fault.Planned next(Random random) {
        return faults.get(random.nextInt(faults.size())).plan(random);
    }

    @Override
    public String toString() {
        return "FaultSchedule[seed " + seed + ", every " + every.toMillis() + " ms"
                + (calm.isZero() ? "" : ", calm " + calm.toMillis() + " ms") + ", faults " + faults + "]";
    }

    /** Collects the seed, the interval and the faults. */
    public static final class Builder {

        private Long seed;
        private Duration every;
        private Duration calm = Duration.ZERO;
        private List<Fault> faults = List.of();

        private Builder() {
        }

        /** The seed of every choice; without it one is picked at random and logged. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** How long each fault holds before it is healed and the next is made. */
        public Builder every(Duration every) {
            this.every = every;
            return this;
        }

        /** A pause with the network whole after each heal, before the next fault (none by default). */
        public Builder calm(Duration calm) {
            this.calm = calm;
            return this;
        }

        /** What the schedule may pick from; each pick is equally likely. */
        public Builder faults(Fault... faults) {
            this.faults = faults == null ? null : Arrays.asList(faults);
            return this;
        }

        /**
         * The schedule.
         *
         * @throws NetnsException without a positive interval or without faults
         */
        public FaultSchedule build() {
            if (every == null || every.isNegative() || every.isZero()) {
                throw new NetnsException("FaultSchedule: every(Duration) must be positive, not " + every);
            }
            if (calm == null || calm.isNegative()) {
                throw new NetnsException("FaultSchedule: calm(Duration) must be zero or positive, not " + calm);
            }
            if (faults == null || faults.isEmpty() || faults.contains(null)) {
                throw new NetnsException("FaultSchedule: faults(...) needs at least one Fault, and no null");
            }
            long chosen = seed != null ? seed : new SecureRandom().nextLong();
            if (seed == null) {
                System.getLogger(FaultSchedule.class.getName()).log(System.Logger.Level.INFO,
                        "fault schedule seed " + chosen + "; FaultSchedule.builder().seed(" + chosen + ") replays it");
            }
            return new FaultSchedule(chosen, every, calm, List.copyOf(faults));
        }
    }
}
