package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Values out of the documented range are refused by the builder, before any shaper starts. */
class ImpairmentLimitsTest {

    @Test
    void delaysAndJitterAboveAnHourAreRefused() {
        for (Duration huge : new Duration[] {Duration.ofDays(200_000), Duration.ofNanos(Long.MAX_VALUE),
            Duration.ofSeconds(Long.MAX_VALUE), Duration.ofHours(1).plusNanos(1)}) {
            assertThatThrownBy(() -> Impairment.builder().delay(huge)).as("delay %s", huge)
                    .isInstanceOf(NetnsException.class).hasMessageContaining("at most 1 hour");
            assertThatThrownBy(() -> Impairment.builder().jitter(huge)).as("jitter %s", huge)
                    .isInstanceOf(NetnsException.class).hasMessageContaining("at most 1 hour");
        }
        assertThat(Impairment.builder().delay(Duration.ofHours(1)).jitter(Duration.ofHours(1)).build().delay())
                .contains(Duration.ofHours(1));
    }

    @Test
    void ratesBelowOneKilobitAreRefused() {
        assertThatThrownBy(() -> Impairment.builder().rate(1)).isInstanceOf(NetnsException.class)
                .hasMessageContaining("at least 1000");
        assertThatThrownBy(() -> Impairment.builder().rate(999)).isInstanceOf(NetnsException.class);
        assertThat(Impairment.builder().rate(1000).build().rate()).hasValue(1000);
        assertThat(Impairment.builder().rate(Long.MAX_VALUE).build().rate()).hasValue(Long.MAX_VALUE);
    }
}
