package dev.netns.internal.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.Impairment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The kernel's loss program, run by this kernel on crafted frames, drops exactly what the shaper thread would. */
class KernelLossIT {

    @Test
    void theKernelAndTheShaperThreadLoseTheSamePackets() {
        Impairment loss = Impairment.builder().loss(30).seed(42).build();
        Random random = new Random(7);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            frames.add(switch (i % 3) {
                case 0 -> Frames.udp(random.nextInt(4), 40000 + random.nextInt(3), 9000 + random.nextInt(2), i);
                case 1 -> Frames.echo(i, random.nextInt(65536), random.nextLong());
                default -> Frames.tcp6(random.nextInt(3), 45000, 443, i);
            });
            if (i % 17 == 0) {
                frames.add(Frames.arp());
            }
        }
        ShapingDecisions reference = new ShapingDecisions(loss, 42);
        boolean[] expected = new boolean[frames.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = reference.decide(frames.get(i), frames.get(i).length).drop();
        }
        boolean[] kernel = KernelLoss.trial(new ShaperRule("link", loss, null, List.of(), List.of()), frames);
        assertThat(kernel).isEqualTo(expected);
        int lost = 0;
        for (boolean drop : kernel) {
            lost += drop ? 1 : 0;
        }
        assertThat(lost).isBetween(60, 130);
    }
}
