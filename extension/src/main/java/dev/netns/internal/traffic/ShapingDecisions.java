package dev.netns.internal.traffic;

import dev.netns.Impairment;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Decides, for each frame leaving an impaired link, whether it is dropped, duplicated, corrupted,
 * how its delay varies and whether it jumps ahead. Every choice comes from a random generator
 * seeded with the impairment's seed, the frame's flow ({@link PacketKey#flow}) and its position
 * in that flow (the first, second, ... frame of the flow since the impairment was set): the same
 * seed and the same sequence of packets per flow give the same choices, whatever the packets
 * carry (timestamps, TCP options), whatever the kernel randomises, and whatever other flows
 * pass in between. A retransmission is a later position, so it gets a fresh chance.
 *
 * <p>Link-layer control frames (ARP, IPv6 neighbour and router discovery, anything not IP) are
 * neither counted nor lost, duplicated or corrupted unless the impairment includes them; they
 * get the plain delay. Memory is bounded: the positions of at most {@link #MAX_FLOWS} flows are
 * kept, the least recently seen forgotten first. Pure; used by one thread.
 */
final class ShapingDecisions {

    /** At most this many flows' positions are remembered; the least recently seen are forgotten. */
    static final int MAX_FLOWS = 16_384;

    /**
     * What happens to one frame: dropped, how many copies, which bit is flipped (-1: none), where
     * in the jitter range its delay falls (-1 to 1), whether it is sent ahead of delayed frames.
     */
    record Decision(boolean drop, int copies, int corruptBit, double jitterFraction, boolean ahead) {

        /** Passed unchanged, with the plain delay. */
        static final Decision PLAIN = new Decision(false, 1, -1, 0, false);

        /** The delay this decision gives a frame under {@code impairment}, in nanoseconds. */
        long delayNanos(Impairment impairment) {
            if (ahead) {
                return 0;
            }
            long delay = impairment.delay().map(Duration::toNanos).orElse(0L);
            long jitter = impairment.jitter().map(Duration::toNanos).orElse(0L);
            return Math.max(0, delay + (long) (jitterFraction * jitter));
        }
    }

    /** Where a flow is: how many of its frames were seen, and its burst-loss state. */
    private static final class FlowState {
        long position;
        boolean bad;
    }

    private final Impairment impairment;
    private final long seed;
    private final long lossThreshold;
    private final Map<Long, FlowState> flows = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, FlowState> eldest) {
            return size() > MAX_FLOWS;
        }
    };

    ShapingDecisions(Impairment impairment, long seed) {
        this.impairment = impairment;
        this.seed = seed;
        this.lossThreshold = lossThreshold(impairment.loss().orElse(0));
    }

    /** A 53-bit draw below this loses the packet: {@code percent} of all 53-bit values. */
    static long lossThreshold(double percent) {
        return (long) Math.ceil(percent / 100 * 0x1.0p53);
    }

    Decision decide(byte[] frame, int length) {
        if (!impairment.controlFrames() && PacketKey.isControl(frame, length)) {
            return Decision.PLAIN;
        }
        long flow = PacketKey.flow(frame, length);
        FlowState state = flows.computeIfAbsent(flow, key -> new FlowState());
        long position = ++state.position;
        SplittableRandom random = new SplittableRandom(mix(seed ^ mix(flow + 0x9e3779b97f4a7c15L * position)));
        // an integer comparison, so that the kernel's program (LossProgram) makes exactly the same draw
        boolean drop = (random.nextLong() >>> 11) < lossThreshold;
        drop |= burstLoss(state, random);
        int copies = random.nextDouble() * 100 < impairment.duplicate() ? 2 : 1;
        int corruptBit = -1;
        if (random.nextDouble() * 100 < impairment.corrupt() && length > 34) {
            // a bit after the Ethernet and IP headers, so the frame still reaches its receiver
            corruptBit = 34 * 8 + random.nextInt((length - 34) * 8);
        }
        double jitterFraction = random.nextDouble() * 2 - 1;
        boolean ahead = random.nextDouble() * 100 < impairment.reorder();
        return new Decision(drop, copies, corruptBit, jitterFraction, ahead);
    }

    /** How many flows' replay state is kept now. */
    int trackedFlows() {
        return flows.size();
    }

    /** Gilbert-Elliott, one state per flow so that other traffic cannot change a flow's bursts. */
    private boolean burstLoss(FlowState state, SplittableRandom random) {
        double[] model = impairment.gilbertElliott().orElse(null);
        if (model == null) {
            return false;
        }
        state.bad = state.bad ? random.nextDouble() * 100 >= model[1] : random.nextDouble() * 100 < model[0];
        return random.nextDouble() * 100 < (state.bad ? model[2] : model[3]);
    }

    /** SplitMix64's finaliser: every input bit changes about half the output bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
