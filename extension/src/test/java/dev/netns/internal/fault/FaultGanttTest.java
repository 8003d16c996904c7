package dev.netns.internal.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaultGanttTest {

    @Test
    void oneBarPerFaultInOneSectionPerKindAndAFaultThatHoldsEndsNow() {
        String chart = FaultGantt.render(List.of(
                new FaultGantt.Span("network", "isolate n1 from n2, n3", 0, 300),
                new FaultGantt.Span("processes", "pause program 1 of 1 (sh in n2)", 300, 600),
                new FaultGantt.Span("network", "majorities ring n3, n1, n2", 600, -1)), 42, 750);
        assertThat(chart).isEqualTo("""
                gantt
                    title Faults of the schedule with seed 42
                    dateFormat x
                    axisFormat %M:%S
                    section network
                    isolate n1 from n2, n3 : 0, 300
                    majorities ring n3, n1, n2 (holds) : 600, 750
                    section processes
                    pause program 1 of 1 (sh in n2) : 300, 600
                """);
    }
}
