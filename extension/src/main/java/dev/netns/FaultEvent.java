package dev.netns;

import java.time.Duration;

/**
 * One entry of a {@link FaultRun}'s timeline: a fault made or healed.
 *
 * @param at when, from the start of the schedule
 * @param description what was done to whom ({@code "isolate n2 from n1, n3"}, {@code "heal isolate n2 from n1, n3"})
 */
public record FaultEvent(Duration at, String description) {

    @Override
    public String toString() {
        return String.format("+%d.%03d s  %s", at.toMillis() / 1000, at.toMillis() % 1000, description);
    }
}
