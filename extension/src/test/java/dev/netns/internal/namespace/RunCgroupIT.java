package dev.netns.internal.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep that cannot see a live run's journal (it looks from another mount namespace, where the
 * journal folder is another) never costs that run its cgroup: fresh cgroups are left alone, and
 * a run whose cgroup went away makes it again for its next topology.
 */
class RunCgroupIT {

    @TempDir Path noJournals;

    @Test
    void aSweepThatSeesNoJournalLeavesAFreshEmptyRunCgroupAlone() throws Exception {
        assumeTrue(RunCgroup.base().isPresent(), "this machine gives no cgroup v2 with cgroup.kill to write");
        RunCgroup live = RunCgroup.create("test-" + UUID.randomUUID()).orElseThrow();
        try {
            // only this test's cgroup: the others' belong to runs of the machine
            String own = live.path().getFileName().toString();
            RunCgroup.removeOrphans(noJournals, RunCgroup.ORPHAN_AGE, own);
            assertThat(live.path()).as("an empty cgroup of a live run, changed a moment ago").isDirectory();

            RunCgroup.removeOrphans(noJournals, Duration.ZERO, own);
            assertThat(live.path()).as("the same once old enough: an orphan").doesNotExist();
        } finally {
            RunCgroup.removeTree(live.path());
        }
    }

    @Test
    void aRunWhoseCgroupWentAwayMakesItAgainForItsNextTopology() throws Exception {
        assumeTrue(RunCgroup.base().isPresent(), "this machine gives no cgroup v2 with cgroup.kill to write");
        RunCgroup live = RunCgroup.create("test-" + UUID.randomUUID()).orElseThrow();
        try {
            RunCgroup.removeTree(live.path());
            TopologyCgroup topology = live.newTopology();
            assertThat(topology).as("a cgroup for the next topology").isNotNull();
            assertThat(topology.path()).isDirectory().startsWith(live.path());
            topology.killAll();
        } finally {
            RunCgroup.removeTree(live.path());
        }
    }
}
