package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The choices of a schedule: the same seed gives the same faults on the same targets, without a network. */
class FaultScheduleTest {

    /** A program that is never started: only its place in a fault's list matters to the choices. */
    private static Program idle() {
        return new Program() {
            public long pid() { return 0; }
            public boolean isAlive() { return false; }
            public String stdout() { return ""; }
            public String stderr() { return ""; }
            public Program awaitPort(int port, Duration timeout) { return this; }
            public Program awaitOutput(String text, Duration timeout) { return this; }
            public void pause() { }
            public void resume() { }
            public boolean isPaused() { return false; }
            public ExecResult kill() { return null; }
            public Program restart() { return this; }
            public ExecResult stop() { return null; }
            public void close() { }
        };
    }

    private static FaultSchedule schedule(long seed, Program... programs) {
        return FaultSchedule.builder().seed(seed).every(Duration.ofMillis(300))
                .faults(Fault.isolateOne("n1", "n2", "n3"), Fault.partitionHalves("n1", "n2", "n3", "n4"),
                        Fault.majoritiesRing("n1", "n2", "n3", "n4", "n5"), Fault.pause(programs), Fault.crash(programs))
                .build();
    }

    @Test
    void theSameSeedMakesTheSameFaultsOnTheSameTargetsInTheSameOrder() {
        Program[] programs = {idle(), idle()};
        List<String> first = schedule(42, programs).preview(40);
        assertThat(schedule(42, idle(), idle()).preview(40)).isEqualTo(first);
        assertThat(schedule(43, programs).preview(40)).isNotEqualTo(first);
        assertThat(first).anyMatch(text -> text.startsWith("isolate "))
                .anyMatch(text -> text.startsWith("partition halves "))
                .anyMatch(text -> text.startsWith("majorities ring "))
                .anyMatch(text -> text.startsWith("pause program "))
                .anyMatch(text -> text.startsWith("crash program "));
        assertThat(first).filteredOn(text -> text.startsWith("isolate "))
                .extracting(text -> text.substring("isolate ".length(), "isolate ".length() + 2)).hasSameElementsAs(
                        List.of("n1", "n2", "n3").stream().filter(node -> first.stream()
                                .anyMatch(text -> text.startsWith("isolate " + node))).toList());
    }

    @Test
    void theChoicesOfASeedArePinnedSoThatAFailureReplaysOnTheNextVersionToo() {
        assertThat(schedule(42, idle(), idle()).preview(5)).containsExactly(
                "isolate n1 from n2, n3",
                "pause program 1 of 2 (program)",
                "isolate n2 from n1, n3",
                "isolate n3 from n1, n2",
                "crash program 1 of 2 (program)");
    }

    @Test
    void aScheduleNeedsAnIntervalAndFaults() {
        assertThatThrownBy(() -> FaultSchedule.builder().faults(Fault.isolateOne("a", "b")).build())
                .isInstanceOf(NetnsException.class).hasMessageContaining("every(Duration) must be positive");
        assertThatThrownBy(() -> FaultSchedule.builder().every(Duration.ofSeconds(1)).build())
                .isInstanceOf(NetnsException.class).hasMessageContaining("at least one Fault");
        assertThatThrownBy(() -> Fault.majoritiesRing("a", "b")).isInstanceOf(NetnsException.class)
                .hasMessageContaining("at least 3");
        assertThatThrownBy(() -> Fault.pause()).isInstanceOf(NetnsException.class);
        FaultSchedule unseeded = FaultSchedule.builder().every(Duration.ofSeconds(1)).faults(Fault.isolateOne("a", "b")).build();
        assertThat(FaultSchedule.builder().seed(unseeded.seed()).every(Duration.ofSeconds(1))
                .faults(Fault.isolateOne("a", "b")).build().preview(10)).isEqualTo(unseeded.preview(10));
    }
}
