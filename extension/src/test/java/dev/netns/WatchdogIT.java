package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.internal.namespace.Reaper;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** The watchdog itself dying does not break tests. */
@Isolated("kills the JVM's shared watchdog, which concurrent topologies rely on")
class WatchdogIT {

    @Test
    void aKilledWatchdogIsReplacedAndTeardownStillWorks() throws Exception {
        Topology first = Topology.builder().namespace("red").start();
        ProcessHandle watchdog = Reaper.get().process();
        watchdog.destroyForcibly();
        watchdog.onExit().get(5, TimeUnit.SECONDS);

        first.close();
        try (Topology second = Topology.builder().namespace("red").start()) {
            assertThat(Reaper.get().process().pid()).isNotEqualTo(watchdog.pid());
            assertThat(Reaper.get().process().isAlive()).isTrue();
            assertThat(second.namespace("red").exec("true").succeeded()).isTrue();
        }
    }


    @Test
    void aStoppedWatchdogDoesNotHangStartOrCloseAndIsReplaced() throws Exception {
        Reaper reaper = Reaper.get();
        Topology.builder().namespace("warm-up").start().close();   // the watchdog has answered once
        ProcessHandle stopped = reaper.process();
        int replacementsBefore = reaper.replacements();
        new ProcessBuilder("kill", "-STOP", Long.toString(stopped.pid())).start().waitFor();
        try {
            long started = System.nanoTime();
            try (Topology net = Topology.builder().namespace("red").start()) {
                assertThat(net.namespace("red").exec("true").succeeded()).isTrue();
            }
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(tookMillis).as("start and close go on after the acknowledgement timeout").isLessThan(12_000);
            assertThat(reaper.replacements()).isEqualTo(replacementsBefore + 1);
            assertThat(reaper.process().pid()).isNotEqualTo(stopped.pid());
            assertThat(stopped.onExit().get(5, TimeUnit.SECONDS).isAlive()).as("the stopped watchdog is killed").isFalse();
        } finally {
            stopped.destroyForcibly();
        }
    }
}
