package dev.netns;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Seeded schedules on a real topology: faults come and go every few hundred milliseconds, and all is healed at the end. */
class FaultsIT {

    private Topology net;

    @BeforeEach
    void start() {
        net = Topology.builder().bridge("br0", null)
                .namespace("n1").namespace("n2").namespace("n3")
                .veth("n1", "10.5.0.1/24", "br0", null)
                .veth("n2", "10.5.0.2/24", "br0", null)
                .veth("n3", "10.5.0.3/24", "br0", null)
                .start();
    }

    @AfterEach
    void close() {
        net.close();
    }

    private static FaultSchedule schedule(long seed, Program program) {
        return FaultSchedule.builder().seed(seed).every(Duration.ofMillis(300))
                .faults(Fault.isolateOne("n1", "n2", "n3"), Fault.partitionHalves("n1", "n2", "n3"), Fault.pause(program))
                .build();
    }

    /** The descriptions of the faults made (heals left out). */
    private static List<String> made(FaultRun run) {
        return run.timeline().stream().map(FaultEvent::description)
                .filter(text -> !text.startsWith("heal ") && !text.startsWith("resume ") && !text.startsWith("restart "))
                .toList();
    }

    private static char state(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    @Test
    void aScheduleMakesAndHealsAFaultEveryIntervalAndHealsAllAtClose() throws Exception {
        Program sleeper = net.namespace("n3").start("sleep", "60");
        FaultSchedule schedule = schedule(7, sleeper);
        FaultRun run = net.startFaults(schedule);
        Thread.sleep(1100);
        run.close();
        run.close();

        List<FaultEvent> timeline = run.timeline();
        assertThat(timeline.size()).as(timeline.toString()).isGreaterThanOrEqualTo(6).isEven();
        List<String> made = made(run);
        assertThat(made).isEqualTo(schedule.preview(made.size()));
        for (int i = 0; i < timeline.size(); i += 2) {
            assertThat(timeline.get(i + 1).description()).as("a heal follows each fault")
                    .matches("(heal|resume) .*").endsWith(timeline.get(i).description().replaceFirst("^pause ", ""));
            assertThat(timeline.get(i + 1).at()).isGreaterThanOrEqualTo(timeline.get(i).at());
        }
        assertThat(timeline.get(2).at().toMillis()).as("the second fault, one interval after the first").isBetween(250L, 1000L);

        // everything healed: every pair talks, the program runs
        for (String from : List.of("n1", "n2", "n3")) {
            for (String to : List.of("n1", "n2", "n3")) {
                if (!from.equals(to)) {
                    assertThat(net.namespace(from)).canPing(to);
                }
            }
        }
        assertThat(state(sleeper.pid())).isNotEqualTo('T');
        assertThat(net.faultRuns()).containsExactly(run);
        assertThat(run.gantt()).startsWith("gantt").contains("section network");
    }

    @Test
    void theSameSeedReplaysTheSameFaultsOnTheSameTargets() throws Exception {
        Program sleeper = net.namespace("n3").start("sleep", "60");
        List<String> first;
        try (FaultRun run = net.startFaults(schedule(99, sleeper))) {
            Thread.sleep(1000);
            first = made(run);
        }
        List<String> second;
        try (FaultRun run = net.startFaults(schedule(99, sleeper))) {
            Thread.sleep(1000);
            second = made(run);
        }
        int common = Math.min(first.size(), second.size());
        assertThat(common).isGreaterThanOrEqualTo(3);
        assertThat(second.subList(0, common)).isEqualTo(first.subList(0, common));
        assertThat(schedule(100, sleeper).preview(common)).as("another seed, other faults").isNotEqualTo(first.subList(0, common));
    }

    @Test
    void aCrashKillsAndItsHealRestartsTheProgram() throws Exception {
        Program server = net.namespace("n2").start("sh", "-c", "python3 -c \"$1\" & wait", "sh", ProcessFaultsIT.ECHO)
                .awaitPort(7100, Duration.ofSeconds(10));
        // down for 300 ms, then a calm long enough for the restarted server to come up
        try (FaultRun run = net.startFaults(FaultSchedule.builder().seed(1).every(Duration.ofMillis(300))
                .calm(Duration.ofSeconds(20)).faults(Fault.crash(server)).build())) {
            Thread.sleep(200);
            assertThat(server.isAlive()).as("crashed").isFalse();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> run.current(server) != server);
            run.current(server).awaitPort(7100, Duration.ofSeconds(10));
            assertThat(net.namespace("n1")).canConnect("n2", 7100);
        }
        assertThat(net.faultRuns().get(0).timeline()).extracting(FaultEvent::description)
                .startsWith("crash program 1 of 1 (sh in n2)", "restart program 1 of 1 (sh in n2)");
    }

    @Test
    void teardownHealsAScheduleThatWasNotClosed() throws Exception {
        Program sleeper = net.namespace("n3").start("sleep", "60");
        FaultRun run = net.startFaults(FaultSchedule.builder().seed(3).every(Duration.ofSeconds(30))
                .faults(Fault.pause(sleeper)).build());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> state(sleeper.pid()) == 'T');
        net.close();
        assertThat(run.timeline()).extracting(FaultEvent::description)
                .containsExactly("pause program 1 of 1 (sleep in n3)", "resume program 1 of 1 (sleep in n3)");
    }

    @Test
    void anImpairmentFaultShapesOnePairUntilItIsHealed() throws Exception {
        NetNs n1 = net.namespace("n1");
        try (FaultRun run = net.startFaults(FaultSchedule.builder().seed(11).every(Duration.ofSeconds(30))
                .faults(Fault.impair("n1", "n2", Impairment.builder().loss(100).build())).build())) {
            assertThat(n1).within(Duration.ofSeconds(5)).probeTimeout(Duration.ofMillis(300)).cannotPing("n2");
            assertThat(n1).canPing("n3");
            assertThat(run.timeline().get(0).description()).startsWith("impair n1 -> n2 with Impairment[loss 100")
                    .contains("seed");
        }
        assertThat(n1).within(Duration.ofSeconds(5)).canPing("n2");
        assertThat(net.faultRuns().get(0).timeline()).hasSize(2);
        assertThat(net.faultRuns().get(0).timeline().get(1).description()).startsWith("heal impair n1 -> n2");
    }
}
