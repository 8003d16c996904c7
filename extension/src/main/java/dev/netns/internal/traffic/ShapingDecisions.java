package dev.netns.internal.traffic;

import dev.netns.Impairment;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Decides, for each frame leaving an impaired link, whether it is dropped, duplicated, corrupted,
 * how long it is held and whether it jumps ahead. Every choice comes from a random generator
 * seeded with the impairment's seed, the frame's {@link PacketKey} and how many frames with that
 * key came before: the same seed and the same traffic give the same choices, whatever unrelated
 * frames pass in between and whatever header fields the kernel randomises. A retransmission has
 * the same key but a new count, so it gets a fresh chance. Pure.
 */
final class ShapingDecisions {

    /** What happens to one frame. */
    record Decision(boolean drop, int copies, int corruptBit, long delayNanos) {
    }

    private final Impairment impairment;
    private final long seed;
    private final Map<Long, Integer> occurrences = new HashMap<>();
    private final Map<Long, Boolean> burstStates = new HashMap<>();


    ShapingDecisions(Impairment impairment, long seed) {
        this.impairment = impairment;
        this.seed = seed;
    }

    Decision decide(byte[] frame, int length) {
        long key = PacketKey.of(frame, length);
        int count = occurrences.merge(key, 1, Integer::sum);
        SplittableRandom random = new SplittableRandom(seed ^ (key * 0x9e3779b97f4a7c15L) ^ ((long) count << 32));
        boolean drop = random.nextDouble() * 100 < impairment.loss().orElse(0);
        drop |= burstLoss(PacketKey.flow(frame, length), random);
        int copies = random.nextDouble() * 100 < impairment.duplicate() ? 2 : 1;
        int corruptBit = -1;
        if (random.nextDouble() * 100 < impairment.corrupt() && length > 34) {
            // a bit after the Ethernet and IP headers, so the frame still reaches its receiver
            corruptBit = 34 * 8 + random.nextInt((length - 34) * 8);
        }
        long delay = impairment.delay().map(Duration::toNanos).orElse(0L);
        long jitter = impairment.jitter().map(Duration::toNanos).orElse(0L);
        if (jitter > 0) {
            delay = Math.max(0, delay + (long) ((random.nextDouble() * 2 - 1) * jitter));
        }
        if (random.nextDouble() * 100 < impairment.reorder()) {
            delay = 0;
        }
        return new Decision(drop, copies, corruptBit, delay);
    }

    /** Gilbert-Elliott, one state per flow key so that other traffic cannot change a flow's bursts. */
    private boolean burstLoss(long flow, SplittableRandom random) {
        double[] model = impairment.gilbertElliott().orElse(null);
        if (model == null) {
            return false;
        }
        boolean bad = burstStates.getOrDefault(flow, false);
        bad = bad ? random.nextDouble() * 100 >= model[1] : random.nextDouble() * 100 < model[0];
        burstStates.put(flow, bad);
        return random.nextDouble() * 100 < (bad ? model[2] : model[3]);
    }
}
