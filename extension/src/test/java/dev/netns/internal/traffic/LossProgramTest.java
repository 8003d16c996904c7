package dev.netns.internal.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.Impairment;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The kernel's loss program without a kernel: what it handles, and that its draw is the shaper thread's. */
class LossProgramTest {

    @Test
    void onlyImpairmentsThatJustLosePacketsGoToTheKernel() {
        assertThat(LossProgram.handles(Impairment.builder().loss(1).build())).isTrue();
        assertThat(LossProgram.handles(Impairment.builder().loss(1).controlFrames(true).build())).isTrue();
        assertThat(LossProgram.handles(Impairment.builder().build())).as("nothing to do at all").isFalse();
        assertThat(LossProgram.handles(Impairment.builder().loss(1).delay(Duration.ofMillis(1)).build())).isFalse();
        assertThat(LossProgram.handles(Impairment.builder().loss(1).rate(10_000).build())).isFalse();
        assertThat(LossProgram.handles(Impairment.builder().loss(1).duplicate(1).build())).isFalse();
        assertThat(LossProgram.handles(Impairment.builder().gilbertElliott(1, 1, 1, 1).build())).isFalse();
    }

    @Test
    void theDrawItRepeatsIsSplittableRandomsFirst() {
        // the program computes mix64(s + golden gamma) >>> 11 by hand: SplittableRandom's first nextLong
        SplittableRandom reference = new SplittableRandom(42);
        long z = 42 + 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z = z ^ (z >>> 31);
        assertThat(z).isEqualTo(reference.nextLong());
        assertThat(ShapingDecisions.lossThreshold(100)).isEqualTo(1L << 53);
        assertThat(ShapingDecisions.lossThreshold(0)).isZero();
    }

    @Test
    void theProgramAssemblesWithEveryJumpResolved() {
        byte[] code = LossProgram.of(Impairment.builder().loss(30).build(), 42, 3, 4, 5);
        assertThat(code.length % 8).isZero();
        assertThat(code.length / 8).isBetween(100, 4096);
    }
}
