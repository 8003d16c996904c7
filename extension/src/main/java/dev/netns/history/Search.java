package dev.netns.history;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Wing and Gong's search for a linearization of one partition, with Lowe's memo of the
 * (linearized set, model state) pairs already explored, as porcupine does it.
 *
 * <p>The history is one doubly linked list of call and return entries in event order. The search
 * walks it from the front: at a call it tries to let that operation take effect now (the model
 * must accept it, and the pair reached must be new), lifts the operation's two entries out of the
 * list and starts again from the front; at a return it has met an operation that must already
 * have taken effect, so it undoes the latest choice and tries the next call after it. Operations
 * of unknown outcome have a call entry but no return entry: they may be chosen at any point after
 * their invocation, and the search is done as soon as every definite operation is placed (the
 * unknown ones left over never happened, or happened after everything else).
 */
final class Search {

    enum Verdict { LINEARIZABLE, ILLEGAL, TIMEOUT, UNFINISHED }

    private static final int HEAD = 0;
    private static final int END = -1;

    private final Model model;
    private final Op[] ops;
    private final int n;
    private final int definite;
    private final long deadline;
    private final int[] next;
    private final int[] prev;
    private final long[] bits;
    private final int defWords;
    private int lowWord;
    private int topDefWord = -1;
    private int topInfoWord = -1;
    private final Set<Key> seen = new HashSet<>();
    private final Map<Object, Object> states = new HashMap<>();

    private final int[] stack;
    private final Object[] before;
    private int depth;

    // the deepest point of the search, for the explanation of a failure
    private int[] best = new int[16];
    private int bestDepth = -1;
    private Object bestState;
    private int blocker = -1;
    private int sameSince;
    private long steps;
    private Object state;
    private int remaining;
    private int entry;

    /** {@code ops}: the definite operations first, each group in invocation order. */
    Search(Model model, List<Op> ops, long deadline) {
        this.model = model;
        this.ops = ops.toArray(new Op[0]);
        this.n = this.ops.length;
        this.definite = (int) ops.stream().filter(Op::definite).count();
        this.deadline = deadline;
        this.next = new int[1 + n + definite];
        this.prev = new int[1 + n + definite];
        this.defWords = (definite + 63) >>> 6;
        this.bits = new long[defWords + ((n - definite + 63) >>> 6)];
        if ((definite & 63) != 0) {
            bits[defWords - 1] = -1L << (definite & 63); // padding counts as placed, so a full word is -1
        }
        this.stack = new int[n];
        this.before = new Object[n];
        link();
        this.state = model.initial();
        this.remaining = definite;
        this.entry = next[HEAD];
    }

    private int callNode(int op) {
        return 1 + op;
    }

    private int returnNode(int op) {
        return 1 + n + op;
    }

    /** Entries in the order of their events; positions are unique, so sorting by them is exact. */
    private void link() {
        long[] events = new long[n + definite];
        for (int op = 0; op < n; op++) {
            events[op] = ops[op].invoked() << 24 | callNode(op);
            if (op < definite) {
                events[n + op] = ops[op].completed() << 24 | returnNode(op);
            }
        }
        if (next.length >= 1 << 24) {
            throw new IllegalArgumentException("history too large: " + n + " operations in one partition");
        }
        Arrays.sort(events);
        int last = HEAD;
        for (long event : events) {
            int node = (int) (event & ((1 << 24) - 1));
            next[last] = node;
            prev[node] = last;
            last = node;
        }
        next[last] = END;
    }

    /**
     * Searches on for at most {@code slice} more steps: {@link Verdict#UNFINISHED} when the slice
     * ends first, so that several partitions can take turns and an easy violation in one is found
     * while another is still hard.
     */
    Verdict run(long slice) {
        long stop = steps + slice;
        while (remaining > 0) {
            if (steps == stop) {
                return Verdict.UNFINISHED;
            }
            if ((++steps & 1023) == 0 && System.nanoTime() - deadline > 0) {
                return Verdict.TIMEOUT;
            }
            if (entry != END && entry <= n) {
                int op = entry - 1;
                Object after = model.step(state, ops[op]);
                if (after != Model.ILLEGAL) {
                    if (after != null && after != state) {
                        // one instance per distinct state: the memo holds many pairs and few states
                        after = states.computeIfAbsent(after, same -> same);
                    }
                    set(op);
                    if (seen.add(key(after))) {
                        stack[depth] = op;
                        before[depth++] = state;
                        state = after;
                        lift(op);
                        if (op < definite) {
                            remaining--;
                        }
                        entry = next[HEAD];
                        continue;
                    }
                    clear(op);
                }
                entry = next[entry];
            } else {
                remember(state, entry == END ? -1 : entry - 1 - n);
                if (depth == 0) {
                    return Verdict.ILLEGAL;
                }
                int op = stack[--depth];
                sameSince = Math.min(sameSince, depth);
                state = before[depth];
                before[depth] = null;
                clear(op);
                unlift(op);
                if (op < definite) {
                    remaining++;
                }
                entry = next[callNode(op)];
            }
        }
        bestDepth = depth;
        best = Arrays.copyOf(stack, depth);
        bestState = state;
        return Verdict.LINEARIZABLE;
    }

    /** Keeps the deepest prefix reached, copying only what changed since the last copy. */
    private void remember(Object state, int blockedBy) {
        if (depth <= bestDepth) {
            return;
        }
        if (best.length < depth) {
            best = Arrays.copyOf(best, Math.max(depth, best.length * 2));
        }
        System.arraycopy(stack, sameSince, best, sameSince, depth - sameSince);
        sameSince = depth;
        bestDepth = depth;
        bestState = state;
        blocker = blockedBy;
    }

    private void lift(int op) {
        int call = callNode(op);
        next[prev[call]] = next[call];
        if (next[call] != END) {
            prev[next[call]] = prev[call];
        }
        if (op < definite) {
            int ret = returnNode(op);
            next[prev[ret]] = next[ret];
            if (next[ret] != END) {
                prev[next[ret]] = prev[ret];
            }
        }
    }

    private void unlift(int op) {
        if (op < definite) {
            int ret = returnNode(op);
            next[prev[ret]] = ret;
            if (next[ret] != END) {
                prev[next[ret]] = ret;
            }
        }
        int call = callNode(op);
        next[prev[call]] = call;
        if (next[call] != END) {
            prev[next[call]] = call;
        }
    }

    private void set(int op) {
        int word = wordOf(op);
        bits[word] |= 1L << (op < definite ? op : op - definite);
        if (op < definite) {
            topDefWord = Math.max(topDefWord, word);
            while (lowWord < defWords && bits[lowWord] == -1L) {
                lowWord++;
            }
        } else {
            topInfoWord = Math.max(topInfoWord, word);
        }
    }

    private void clear(int op) {
        int word = wordOf(op);
        bits[word] &= ~(1L << (op < definite ? op : op - definite));
        if (op < definite) {
            lowWord = Math.min(lowWord, word);
        }
    }

    private int wordOf(int op) {
        return op < definite ? op >>> 6 : defWords + ((op - definite) >>> 6);
    }

    /**
     * The linearized set without the words every state shares: definite operations are placed
     * roughly in order, so all words below the first one with a gap are full and left out.
     */
    private Key key(Object state) {
        int defTop = topDefWord;
        while (defTop >= lowWord && bits[defTop] == 0) {
            defTop--;
        }
        int infoTop = topInfoWord;
        while (infoTop >= defWords && bits[infoTop] == 0) {
            infoTop--;
        }
        int defLength = Math.max(0, defTop - lowWord + 1);
        int infoLength = Math.max(0, infoTop - defWords + 1);
        long[] packed = new long[2 + defLength + infoLength];
        packed[0] = lowWord;
        packed[1] = defLength;
        System.arraycopy(bits, lowWord, packed, 2, defLength);
        System.arraycopy(bits, defWords, packed, 2 + defLength, infoLength);
        return new Key(packed, state);
    }

    /** The operations of the deepest prefix (or of the linearization found), in their order. */
    int[] prefix() {
        return Arrays.copyOf(best, Math.max(bestDepth, 0));
    }

    /** The model's state after {@link #prefix()}. */
    Object stateAfterPrefix() {
        return bestState;
    }

    /** The definite operation that had to be placed next after the deepest prefix, or -1. */
    int blocker() {
        return blocker;
    }

    Op op(int index) {
        return ops[index];
    }

    int size() {
        return n;
    }

    long steps() {
        return steps;
    }

    private static final class Key {
        private final long[] bits;
        private final Object state;
        private final int hash;

        Key(long[] bits, Object state) {
            this.bits = bits;
            this.state = state;
            long h = 0x9E3779B97F4A7C15L;
            for (long word : bits) {
                h = (h ^ word) * 0xff51afd7ed558ccdL;
            }
            this.hash = (int) (h ^ (h >>> 32)) * 31 + Objects.hashCode(state);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.hash == hash && (key.state == state || Objects.equals(key.state, state))
                    && Arrays.equals(key.bits, bits);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
