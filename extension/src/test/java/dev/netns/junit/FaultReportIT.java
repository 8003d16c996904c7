package dev.netns.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.netns.Fault;
import dev.netns.FaultSchedule;
import dev.netns.Topology;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** The timeline of a schedule that ran during a failed test is in that test's report, as text and as a chart. */
class FaultReportIT {

    @NetnsTest
    @Namespace("n1")
    @Namespace("n2")
    @VethPair(left = "n1", leftAddress = "10.4.0.1/24", right = "n2", rightAddress = "10.4.0.2/24")
    static class FailingUnderFaults {

        @Test
        void failing(Topology net) throws Exception {
            net.startFaults(FaultSchedule.builder().seed(5).every(Duration.ofMillis(200))
                    .faults(Fault.isolateOne("n1", "n2")).build());
            Thread.sleep(500);
            throw new AssertionError("the cluster lost a write");
        }
    }

    @Test
    void aFailedTestsReportHasTheTimelineAndTheGantt() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailingUnderFaults.class))
                .outputDirectoryCreator(new CleanupAndDiagnosticsIT.TemporaryOutputDirectories()).execute();
        results.testEvents().assertStatistics(stats -> stats.failed(1));
        List<String> entries = results.allEvents().list().stream()
                .flatMap(event -> event.getPayload(ReportEntry.class).stream())
                .flatMap(entry -> entry.getKeyValuePairs().values().stream()).toList();
        assertThat(entries).anySatisfy(entry -> assertThat(entry)
                .contains("== faults (replay with FaultSchedule.builder().seed(5))")
                .containsPattern("\\+0\\.\\d{3} s  isolate n[12] from n[12]")
                .contains("heal isolate n")
                .contains("gantt\n", "section network"));
    }
}
