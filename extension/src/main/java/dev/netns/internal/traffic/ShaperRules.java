package dev.netns.internal.traffic;

import java.util.Arrays;
import java.util.List;

/**
 * Which impairment a frame leaving an impaired link gets: the first pair rule whose source and
 * destination addresses match the frame's IP header, else the link's own impairment, else none
 * (the frame passes as it is). Immutable; the shaper swaps in a new one when the rules change.
 * Pure.
 */
final class ShaperRules {

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;

    /** No rule at all. */
    static final ShaperRules NONE = new ShaperRules(null, List.of());

    private final ShaperRule link;
    private final List<ShaperRule> pairs;

    ShaperRules(ShaperRule link, List<ShaperRule> pairs) {
        this.link = link;
        this.pairs = List.copyOf(pairs);
    }

    /** The link's own rule, or null. */
    ShaperRule link() {
        return link;
    }

    /** The pair rules, in the order they were set. */
    List<ShaperRule> pairs() {
        return pairs;
    }

    /** Whether no rule is left (the shaper can go). */
    boolean isEmpty() {
        return link == null && pairs.isEmpty();
    }

    /** The rule for this frame, or null when none applies. */
    ShaperRule select(byte[] frame, int length) {
        if (!pairs.isEmpty() && length >= 14) {
            int type = ((frame[12] & 0xff) << 8) | (frame[13] & 0xff);
            if (type == ETHERTYPE_IPV4 && length >= 34) {
                ShaperRule pair = match(frame, 26, 30, 4);
                if (pair != null) {
                    return pair;
                }
            } else if (type == ETHERTYPE_IPV6 && length >= 54) {
                ShaperRule pair = match(frame, 22, 38, 16);
                if (pair != null) {
                    return pair;
                }
            }
        }
        return link;
    }

    private ShaperRule match(byte[] frame, int source, int destination, int size) {
        for (ShaperRule pair : pairs) {
            if (contains(pair.sources(), frame, source, size) && contains(pair.destinations(), frame, destination, size)) {
                return pair;
            }
        }
        return null;
    }

    private static boolean contains(List<byte[]> addresses, byte[] frame, int offset, int size) {
        for (byte[] address : addresses) {
            if (address.length == size && Arrays.equals(address, 0, size, frame, offset, offset + size)) {
                return true;
            }
        }
        return false;
    }
}
