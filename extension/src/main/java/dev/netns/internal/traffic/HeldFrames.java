package dev.netns.internal.traffic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The frames a shaper holds until their time, earliest first (ties in arrival order), bounded
 * in bytes: a frame that would take the total over {@link #capacityBytes()} is refused. Each
 * frame counts its length plus {@link #OVERHEAD} for its bookkeeping, so many tiny frames are
 * bounded too. Pure; used by one thread.
 */
final class HeldFrames {

    /** The bytes each held frame costs beyond its length (objects, headers, the heap slot). */
    static final int OVERHEAD = 96;

    /** The default bound: 16 MiB, 10 ms of a 13 Gbit/s stream. */
    static final long DEFAULT_CAPACITY = 16L << 20;

    /** One frame waiting: when it may leave, its arrival order and time, the rule and decision it got. */
    static final class Held {
        long due;
        final long order;
        final long arrival;
        /** The frame, then (after {@link #length}) anything the shaper keeps with it. */
        final byte[] bytes;
        final int length;
        ShaperRule rule;
        final ShapingDecisions.Decision decision;

        Held(long due, long order, long arrival, byte[] bytes, ShaperRule rule, ShapingDecisions.Decision decision) {
            this(due, order, arrival, bytes, bytes.length, rule, decision);
        }

        Held(long due, long order, long arrival, byte[] bytes, int length, ShaperRule rule,
                ShapingDecisions.Decision decision) {
            this.length = length;
            this.due = due;
            this.order = order;
            this.arrival = arrival;
            this.bytes = bytes;
            this.rule = rule;
            this.decision = decision;
        }
    }

    private static final Comparator<Held> BY_DUE = Comparator.<Held>comparingLong(held -> held.due)
            .thenComparingLong(held -> held.order);

    private final long capacity;
    private PriorityQueue<Held> queue = new PriorityQueue<>(BY_DUE);
    private long bytes;

    HeldFrames(long capacityBytes) {
        this.capacity = capacityBytes;
    }

    /** The bound, in bytes. */
    long capacityBytes() {
        return capacity;
    }

    /** Holds {@code frame}; false (and nothing held) when that would exceed the bound. */
    boolean add(Held frame) {
        long cost = frame.bytes.length + (long) OVERHEAD;
        if (bytes + cost > capacity) {
            return false;
        }
        bytes += cost;
        queue.add(frame);
        return true;
    }

    /** The earliest frame if it is due at {@code now}, removed; else null. */
    Held pollDue(long now) {
        Held head = queue.peek();
        if (head == null || head.due > now) {
            return null;
        }
        queue.poll();
        bytes -= head.bytes.length + (long) OVERHEAD;
        return head;
    }

    /** When the earliest frame is due; {@link Long#MAX_VALUE} when none is held. */
    long nextDue() {
        Held head = queue.peek();
        return head == null ? Long.MAX_VALUE : head.due;
    }

    /** Every held frame, in arrival order, for re-evaluation; change their {@code due}, then {@link #reorder()}. */
    List<Held> inArrivalOrder() {
        List<Held> all = new ArrayList<>(queue);
        all.sort(Comparator.comparingLong(held -> held.order));
        return all;
    }

    /** Sorts again after the due times were changed. */
    void reorder() {
        PriorityQueue<Held> sorted = new PriorityQueue<>(Math.max(1, queue.size()), BY_DUE);
        sorted.addAll(queue);
        queue = sorted;
    }

    /** Lets every frame go (they are dropped). */
    void clear() {
        queue.clear();
        bytes = 0;
    }

    int size() {
        return queue.size();
    }

    long bytes() {
        return bytes;
    }
}
