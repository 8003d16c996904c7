package dev.netns.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netns.NetnsException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ImpairAnnotationTest {

    @Test
    void durationsAndRatesAreReadAsWritten() {
        assertThat(ImpairAnnotation.duration("100ms")).isEqualTo(Duration.ofMillis(100));
        assertThat(ImpairAnnotation.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ImpairAnnotation.duration("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(ImpairAnnotation.rate("10mbit")).isEqualTo(10_000_000);
        assertThat(ImpairAnnotation.rate("1gbit")).isEqualTo(1_000_000_000);
        assertThat(ImpairAnnotation.rate("500kbit")).isEqualTo(500_000);
        assertThat(ImpairAnnotation.rate("64000")).isEqualTo(64_000);
        assertThatIllegalArgumentException().isThrownBy(() -> ImpairAnnotation.duration("100")).withMessageContaining("100ms");
        assertThatIllegalArgumentException().isThrownBy(() -> ImpairAnnotation.rate("fast")).withMessageContaining("10mbit");
    }

    @Test
    void textValuesMeetTheSameLimitsAsTheBuilder() {
        Impair huge = Fixture.class.getAnnotation(Impair.class);
        assertThatThrownBy(() -> ImpairAnnotation.toImpairment(huge, "@Impair on Fixture"))
                .isInstanceOf(NetnsException.class).hasMessageContaining("@Impair on Fixture")
                .hasMessageContaining("at most 1 hour");
        assertThatIllegalArgumentException().isThrownBy(() -> ImpairAnnotation.rate("99999999999999999999gbit"))
                .withMessageContaining("too large");
        assertThatIllegalArgumentException().isThrownBy(() -> ImpairAnnotation.duration("99999999999999999999999999s"))
                .withMessageContaining("at most 1 hour");
    }

    @Impair(link = "red:eth0", delay = "99999999999999999999s")
    private static final class Fixture {
    }
}
