package dev.netns.internal.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shaper's queue and token buckets: bounded, accurate, and free of overflow at the extremes. */
class BoundedShapingTest {

    @Test
    void theQueueRefusesWhatWouldExceedItsBytes() {
        HeldFrames held = new HeldFrames(10 * (1000 + HeldFrames.OVERHEAD));
        int accepted = 0;
        for (int i = 0; i < 1_000_000; i++) {
            if (held.add(new HeldFrames.Held(i, i, 0, new byte[1000], null, ShapingDecisions.Decision.PLAIN))) {
                accepted++;
            }
        }
        assertThat(accepted).isEqualTo(10);
        assertThat(held.bytes()).isLessThanOrEqualTo(held.capacityBytes());
        assertThat(held.pollDue(0)).isNotNull();
        assertThat(held.add(new HeldFrames.Held(5, 99, 0, new byte[1000], null, ShapingDecisions.Decision.PLAIN)))
                .as("room again once one left").isTrue();
        assertThat(held.nextDue()).isEqualTo(1);
    }

    @Test
    void theBucketPacesAtTheRateAfterItsBurstAndRefusesBeyondItsBacklog() {
        RateBucket bucket = new RateBucket(1_000_000);
        long[] departures = new long[60];
        for (int i = 0; i < departures.length; i++) {
            departures[i] = bucket.departure(0, 1250);   // 10 ms each at 1 Mbit/s
        }
        // the burst: two full frames' time (24.2 ms) of credit, so three frames leave at once
        assertThat(departures[2]).isZero();
        assertThat(departures[3]).isPositive();
        assertThat(departures[10] - departures[9]).isEqualTo(10_000_000L);
        assertThat(departures[59]).as("refused beyond 500 ms of backlog").isEqualTo(-1);
        assertThat(bucket.departure(1_000_000_000L, 1250)).as("credit again after idle time").isEqualTo(1_000_000_000L);
    }

    @Test
    void extremeRatesNeverOverflow() {
        RateBucket fastest = new RateBucket(Long.MAX_VALUE);
        assertThat(fastest.departure(1000, 65_553)).isEqualTo(1000);
        assertThat(fastest.departure(1000, 65_553)).isGreaterThanOrEqualTo(1000);
        RateBucket slowest = new RateBucket(1000);
        assertThat(slowest.departure(0, 65_553)).isZero();
        assertThat(slowest.departure(0, 65_553)).as("524 s behind: more than four full frames' time").isEqualTo(-1);
    }
}
