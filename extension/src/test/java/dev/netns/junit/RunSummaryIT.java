package dev.netns.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.Topology;
import dev.netns.internal.namespace.RunStatistics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** The one line at the end of a run says what the run's topologies cost and left. */
@Isolated("replaces System.out for a moment")
class RunSummaryIT {

    @Test
    void theSummaryCountsTopologiesAndProcessesKilledAtTeardown() {
        try (Topology net = Topology.builder().namespace("red").start()) {
            net.namespace("red").start("sleep", "60");
        }
        String summary = RunStatistics.summary();
        assertThat(summary).matches("netns-junit: [0-9]+ topologies built in [0-9]+ ms and torn down in [0-9]+ ms; "
                + "[1-9][0-9]* processes killed at teardown; [0-9]+ leftovers of dead runs swept.*");

        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true));
        try {
            new RunSummaryListener().launcherSessionClosed(null);
        } finally {
            System.setOut(original);
        }
        assertThat(printed.toString().strip()).isEqualTo(summary);
    }

    @Test
    void theSummaryNamesOnlyKeptNamespacesThatStillExist() throws Exception {
        Map<String, String> kept;
        try (Topology net = Topology.builder().namespace("red").namespace("blue").start()) {
            kept = net.keep();
        }
        String red = kept.get("red");
        String blue = kept.get("blue");
        try {
            assertThat(RunStatistics.summary()).contains("ip netns del " + red + ";", "ip netns del " + blue + ";");
            delete(red);
            assertThat(RunStatistics.summary()).doesNotContain(red).contains("ip netns del " + blue + ";");
        } finally {
            delete(red);
            delete(blue);
        }
        assertThat(RunStatistics.summary()).doesNotContain(red).doesNotContain(blue);
    }

    /** Removes a namespace this test kept, as a user would ({@code ip netns del}). */
    private static void delete(String realName) throws Exception {
        if (Files.exists(Path.of("/run/netns", realName))) {
            List<String> command = new ArrayList<>(List.of("ip", "netns", "del", realName));
            Process process = new ProcessBuilder(command).inheritIO().start();
            assertThat(process.waitFor()).isZero();
        }
    }
}
