package dev.netns.internal.traffic;

import dev.netns.Impairment;
import java.util.List;

/**
 * One impairment in force on a shaped link: the link's own ({@code sources} and
 * {@code destinations} empty: every frame), or a pair's (only IP packets from one of
 * {@code sources} to one of {@code destinations}, raw address bytes). Its decisions carry the
 * replay state, used by the shaper thread only.
 */
record ShaperRule(String name, Impairment impairment, ShapingDecisions decisions, List<byte[]> sources,
        List<byte[]> destinations) {
}
