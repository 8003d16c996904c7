package dev.netns.junit;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.netns.FaultEvent;
import dev.netns.FaultRun;
import dev.netns.NetNs;
import dev.netns.Topology;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** {@code @Faults} on a test method: a schedule while the method runs, healed before {@code @AfterEach}. */
class FaultsAnnotationIT {

    @NetnsTest
    @Namespace("n1")
    @Namespace("n2")
    @Namespace("n3")
    @Bridge("lan")
    @VethPair(left = "n1", leftAddress = "10.3.0.1/24", right = "lan")
    @VethPair(left = "n2", leftAddress = "10.3.0.2/24", right = "lan")
    @VethPair(left = "n3", leftAddress = "10.3.0.3/24", right = "lan")
    static class UnderFaults {

        static FaultRun seen;
        static boolean healedBeforeAfterEach;

        @Namespace("n1") NetNs n1;
        @Namespace("n2") NetNs n2;
        @Namespace("n3") NetNs n3;

        @Test
        @Faults(seed = 8, every = "200ms", isolateOne = {"n1", "n2", "n3"})
        void runsWhileTheMethodRuns(FaultRun faults, Topology net) throws Exception {
            seen = faults;
            Thread.sleep(700);
            assertThat(faults.timeline()).isNotEmpty();
            assertThat(net.faultRuns()).containsExactly(faults);
        }

        @AfterEach
        void networkIsWhole() {
            assertThat(n1).canPing("n2").canPing("n3");
            assertThat(n2).canPing("n3");
            healedBeforeAfterEach = true;
        }
    }

    @Test
    void theScheduleRunsDuringTheMethodAndIsHealedBeforeAfterEach() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(UnderFaults.class))
                .execute();
        assertThat(results.testEvents().failed().list()).as("failures of the fixture").extracting(event -> event
                .getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class).getThrowable()
                .map(Throwable::toString).orElse("")).isEmpty();
        results.testEvents().assertStatistics(stats -> stats.succeeded(1));
        assertThat(UnderFaults.healedBeforeAfterEach).isTrue();
        assertThat(UnderFaults.seen.seed()).isEqualTo(8);
        // the same choices as the schedule written in code
        String first = dev.netns.FaultSchedule.builder().seed(8).every(Duration.ofMillis(200))
                .faults(dev.netns.Fault.isolateOne("n1", "n2", "n3")).build().preview(1).get(0);
        assertThat(UnderFaults.seen.timeline()).extracting(FaultEvent::description)
                .startsWith(first, "heal " + first)
                .last().asString().startsWith("heal ");
    }
}
