package dev.netns.internal.program;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.Program;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A program's output stays within its caps in memory, however fast it writes. */
class OutputFileIT {

    @Test
    void yesForFiveSecondsStaysWithinTheDocumentedCap() throws Exception {
        try (OutputFile output = OutputFile.create("stdout")) {
            Process yes = new ProcessBuilder("timeout", "5", "yes").redirectOutput(output.redirect()).start();
            output.started();
            long peak = 0;
            while (yes.isAlive()) {
                peak = Math.max(peak, output.residentBytes());
                Thread.sleep(2);
            }
            yes.waitFor(10, TimeUnit.SECONDS);
            System.out.printf("yes for 5 s: output file peaked at %.1f MiB in memory%n", peak / 1048576.0);
            assertThat(peak).as("bytes of output held in memory at the peak")
                    .isLessThanOrEqualTo(Program.OUTPUT_HEAD_BYTES + Program.OUTPUT_TAIL_BYTES + OutputFile.SLACK_BYTES);
            assertThat(output.text()).contains("bytes of output dropped here").endsWith("y\n");
        }
    }
}
