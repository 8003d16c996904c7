package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netns.internal.namespace.NamespaceIdentity;
import dev.netns.internal.namespace.Reaper;
import dev.netns.internal.namespace.RunJournal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A JVM killed with SIGKILL in the middle of a test leaves nothing behind. */
// plants journals and asserts what its own sweep does: no other test (or its JVMs) may sweep them meanwhile,
// and its own tests run one after the other
@Isolated
@Execution(ExecutionMode.SAME_THREAD)
class CrashIT {

    @ParameterizedTest
    @ValueSource(strings = {"plain", "every-way", "every-way stop-watchdog"})
    void sigkilledJvmLeavesNoProcessAndNoNamespaceWithinFiveSeconds(String options) throws Exception {
        String linksBefore = machineLinks();
        Path pidFile = Files.createTempFile("victim", ".pid");
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashVictim.class.getName(), pidFile.toString()));
        command.addAll(List.of(options.split(" ")));
        Process victim = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader victimOutput = new BufferedReader(new InputStreamReader(victim.getInputStream()));
            String ready = victimOutput.readLine();
            Path capture = null;
            if (ready.startsWith("CAPTURE ")) {
                capture = Path.of(ready.substring("CAPTURE ".length()));
                assertThat(capture).as("the victim's capture").exists();
                ready = victimOutput.readLine();
            }
            assertThat(ready).as("the victim JVM reports its topology").startsWith("READY ");
            String[] parts = ready.split(" ");
            Set<Long> inodes = Arrays.stream(parts[1].split(",")).map(Long::parseLong).collect(Collectors.toSet());
            long program = Long.parseLong(parts[2]);
            Long escaped = parts.length > 3 ? Long.valueOf(parts[3]) : null;
            if (escaped != null) {
                assertThat(ProcessHandle.of(escaped).map(ProcessHandle::isAlive)).as("the escaped program runs")
                        .contains(true);
            }
            assertThat(inodes).hasSize(3);
            assertThat(processesIn(inodes)).as("the program and its child run inside")
                    .hasSizeGreaterThanOrEqualTo(options.contains("every-way") ? 7 : 2);

            victim.destroyForcibly();
            assertThat(victim.waitFor(5, TimeUnit.SECONDS)).isTrue();
            long killedAt = System.nanoTime();

            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                assertThat(ProcessHandle.of(program).map(ProcessHandle::isAlive)).as("the program").isNotEqualTo(java.util.Optional.of(true));
                assertThat(processesIn(inodes)).as("processes inside the dead JVM's namespaces").isEmpty();
                if (escaped != null) {
                    assertThat(ProcessHandle.of(escaped).map(ProcessHandle::isAlive))
                            .as("the program that left the namespaces by unshare -n").isNotEqualTo(java.util.Optional.of(true));
                }
            });
            System.out.printf("crash cleanup took %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);
            if (capture != null) {
                Path file = capture;
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(file).as("its capture file").doesNotExist());
            }
            assertThat(machineLinks()).isEqualTo(linksBefore);
            // only the victim's own names count: the machine may have named namespaces of its own or of other runs
            assertThat(namedNamespacesOfRun(victim.pid())).as("/run/netns entries of the killed run").isEmpty();
        } finally {
            victim.destroyForcibly();
            Files.deleteIfExists(pidFile);
        }
    }

    @Test
    void theSweepKillsOnlyWhatADeadRunLeftInsideItsOwnNamespaces() throws Exception {
        Reaper.get();
        Path journals = Path.of("/run/netns-junit");
        // a process in a namespace of a dead run: its journal names the namespace and nobody holds the lock
        Process deadRunsProgram = new ProcessBuilder("unshare", "--net", "sleep", "600").start();
        // a live run in another PID namespace, holding its journal's lock, with a program in its namespace
        Process liveRunsProgram = new ProcessBuilder("unshare", "--net", "sleep", "600").start();
        // a process in the machine's own namespace that claims to be ours
        ProcessBuilder forged = new ProcessBuilder("sleep", "600");
        forged.environment().put("NETNS_JUNIT_OWNER", "999999999:0");
        Process forgedProgram = forged.start();
        Path deadJournal = journals.resolve("run-test-dead-" + System.nanoTime() + ".journal");
        Path liveJournal = journals.resolve("run-test-live-" + System.nanoTime() + ".journal");
        Process liveOwner = null;
        try {
            long machine = machineNetns();
            long deadInode = await().atMost(Duration.ofSeconds(5)).until(() -> netnsOf(deadRunsProgram.pid()),
                    inode -> inode != machine);
            long liveInode = await().atMost(Duration.ofSeconds(5)).until(() -> netnsOf(liveRunsProgram.pid()),
                    inode -> inode != machine);
            Files.writeString(deadJournal, RunJournal.header() + "+" + NamespaceIdentity.of(
                    Path.of("/proc", Long.toString(deadRunsProgram.pid()), "ns/net")).orElseThrow().line() + "\n");
            Files.writeString(liveJournal, "+" + liveInode + "\n");
            // --kill-child: the JVM inside dies with unshare, which is all destroyForcibly() reaches
            liveOwner = new ProcessBuilder("unshare", "--pid", "--fork", "--kill-child", "--",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"), JournalHolder.class.getName(), liveJournal.toString())
                    .start();
            assertThat(new BufferedReader(new InputStreamReader(liveOwner.getInputStream())).readLine()).isEqualTo("LOCKED");

            List<Long> killed = Reaper.sweepDeadRuns();

            assertThat(killed).contains(deadRunsProgram.pid())
                    .doesNotContain(liveRunsProgram.pid(), forgedProgram.pid());
            assertThat(deadRunsProgram.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(liveRunsProgram.isAlive()).isTrue();
            assertThat(forgedProgram.isAlive()).isTrue();
            assertThat(deadJournal).as("a dead run's journal is removed once swept").doesNotExist();
            assertThat(liveJournal).exists();
        } finally {
            deadRunsProgram.destroyForcibly();
            liveRunsProgram.destroyForcibly();
            forgedProgram.destroyForcibly();
            if (liveOwner != null) {
                killWithDescendants(liveOwner);
            }
            Files.deleteIfExists(deadJournal);
            Files.deleteIfExists(liveJournal);
        }
    }

    @Test
    void aStaleJournalWhoseInodeNowNamesAStrangersNamespaceKillsNothing() throws Exception {
        Reaper.get();
        Path journals = Path.of("/run/netns-junit");
        // the kernel reuses namespace inode numbers: a dead run's journal may name one that now is a stranger's
        Process stranger = new ProcessBuilder("unshare", "--net", "sleep", "600").start();
        Path oldFormat = journals.resolve("run-test-stale-" + System.nanoTime() + ".journal");
        Path otherNamespace = journals.resolve("run-test-stale-" + System.nanoTime() + ".journal");
        Path otherBoot = journals.resolve("run-test-stale-" + System.nanoTime() + ".journal");
        try {
            long machine = machineNetns();
            long inode = await().atMost(Duration.ofSeconds(5)).until(() -> netnsOf(stranger.pid()), found -> found != machine);
            NamespaceIdentity real = NamespaceIdentity.of(Path.of("/proc", Long.toString(stranger.pid()), "ns/net"))
                    .orElseThrow();
            Files.writeString(oldFormat, "+" + inode + "\n");
            Files.writeString(otherNamespace, RunJournal.header() + "+" + inode + ":" + (real.cookie() + 1) + "\n");
            Files.writeString(otherBoot, "boot 00000000-0000-0000-0000-000000000000\n+" + real.line() + "\n");

            List<Long> killed = Reaper.sweepDeadRuns();

            assertThat(killed).doesNotContain(stranger.pid());
            assertThat(stranger.waitFor(200, TimeUnit.MILLISECONDS)).as("the stranger was killed").isFalse();
            assertThat(oldFormat).as("a dead run's journal is removed once read").doesNotExist();
            assertThat(otherNamespace).doesNotExist();
            assertThat(otherBoot).doesNotExist();
        } finally {
            stranger.destroyForcibly();
            Files.deleteIfExists(oldFormat);
            Files.deleteIfExists(otherNamespace);
            Files.deleteIfExists(otherBoot);
        }
    }

    /** Kills a process and every process below it, and waits until they are all gone. */
    static void killWithDescendants(Process process) throws InterruptedException {
        List<ProcessHandle> tree = new java.util.ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        process.waitFor();
        for (ProcessHandle descendant : tree) {
            descendant.onExit().completeOnTimeout(descendant, 5, TimeUnit.SECONDS).join();
            assertThat(descendant.isAlive()).as("process %d started by this test", descendant.pid()).isFalse();
        }
    }

    /** Entries of {@code /run/netns} that the run of JVM {@code pid} named (netns-junit-PID-...). */
    private static List<String> namedNamespacesOfRun(long pid) throws IOException {
        Path named = Path.of("/run/netns");
        if (!Files.isDirectory(named)) {
            return List.of();
        }
        try (var entries = Files.list(named)) {
            return entries.map(entry -> entry.getFileName().toString())
                    .filter(name -> name.startsWith("netns-junit-" + pid + "-")).toList();
        }
    }

    @Test
    void theSweepRemovesEmptyCgroupsOfRunsWithoutJournalButNeverALiveRunsOne() throws Exception {
        Reaper.get();
        Path base = Path.of("/sys/fs/cgroup/unified/netns-junit");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(base), "this run has cgroups at " + base);
        Path orphan = Files.createDirectory(base.resolve("run-test-orphan-" + System.nanoTime()));
        // unchanged for longer than a sweep waits before it takes a run's cgroup for an orphan
        Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        try (Topology net = Topology.builder().namespace("red").start()) {
            net.namespace("red").exec("true");   // this run's own cgroup, which has a journal

            Reaper.sweepDeadRuns();

            assertThat(orphan).as("an empty cgroup of a run that has no journal").doesNotExist();
            assertThat(net.namespace("red").exec("true").succeeded()).as("this run's programs still start").isTrue();
        } finally {
            if (Files.exists(orphan)) {
                Files.delete(orphan);
            }
        }
    }

    @Test
    void theSweepDeletesHostsFilesLeftByKilledRuns() throws Exception {
        Reaper.get();
        Path stray = Path.of("/run/netns-junit", "hosts-" + java.util.UUID.randomUUID());
        Path fresh = Path.of("/run/netns-junit", "hosts-" + java.util.UUID.randomUUID());
        try {
            Files.writeString(stray, "127.0.0.1 localhost\n");
            Files.setLastModifiedTime(stray, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 120_000));
            Files.writeString(fresh, "127.0.0.1 localhost\n");

            Reaper.sweepDeadRuns();

            assertThat(stray).as("a hosts file of a killed run").doesNotExist();
            assertThat(fresh).as("one a live run may be about to mount").exists();
        } finally {
            Files.deleteIfExists(stray);
            Files.deleteIfExists(fresh);
        }
    }

    private static long netnsOf(long pid) throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc", Long.toString(pid), "ns/net"), "unix:ino")).longValue();
    }

    private static long machineNetns() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino")).longValue();
    }

    private static List<Long> processesIn(Set<Long> inodes) throws IOException {
        return ProgramsIT.processesIn(inodes);
    }

    private static String machineLinks() throws Exception {
        Process ip = new ProcessBuilder("ip", "-o", "link").start();
        String output = new String(ip.getInputStream().readAllBytes());
        ip.waitFor();
        return output.replaceAll("(?m)^(\\d+: \\S+).*$", "$1");
    }
}
