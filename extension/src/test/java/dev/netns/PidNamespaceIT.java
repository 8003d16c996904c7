package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netns.internal.namespace.Reaper;
import dev.netns.internal.namespace.RunJournal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Without a cgroup (rootless, or {@code -Dnetns.cgroup=false}) every program of a topology is
 * born in a PID namespace of the topology's, which nothing can leave: a program that moved to a
 * network namespace of its own ({@code unshare -n}) dies at {@code close()} and with the JVM.
 * Each case runs in a child JVM: as root without a cgroup, and as {@code nobody} inside
 * {@code unshare --user --map-root-user}, where no cgroup can be made.
 */
// plants journals and asserts what its own sweep does: no other test (or its JVMs) may sweep them meanwhile,
// and its own tests run one after the other
@Isolated
@Execution(ExecutionMode.SAME_THREAD)
class PidNamespaceIT {

    private static Path world;

    @BeforeAll
    static void copyTheClassPathWhereNobodyCanReadIt() throws IOException {
        // nobody cannot read root's Maven repository or this build's folders
        world = Files.createTempDirectory("netns-pidns-it");
        Files.createDirectory(world.resolve("lib"));
        int index = 0;
        for (Path entry : classPath()) {
            Path target = world.resolve("lib").resolve(index++ + "-" + entry.getFileName());
            if (Files.isDirectory(entry)) {
                copy(entry, target);
            } else if (Files.exists(entry)) {
                Files.copy(entry, target);
            }
        }
        Files.createDirectory(world.resolve("tmp"));
        run("chmod", "-R", "a+rX", world.toString());
        run("chown", "65534:65534", world.resolve("tmp").toString());
    }

    @AfterAll
    static void removeTheCopy() throws IOException {
        if (world != null) {
            // a killed victim's watchdog may still be removing its journal meanwhile
            run("rm", "-rf", "--", world.toString());
        }
    }

    @Test
    void asRootWithoutACgroup_aProcessThatLeftTheNetworkNamespaceDiesAtClose() throws Exception {
        escapeDiesAtClose(List.of(), List.of("-Dnetns.cgroup=false"));
    }

    @Test
    void asRootWithoutACgroup_aProcessThatLeftTheNetworkNamespaceDiesWithTheJvm() throws Exception {
        escapeDiesWithTheJvm(List.of(), List.of("-Dnetns.cgroup=false"));
    }

    @Test
    void rootless_aProcessThatLeftTheNetworkNamespaceDiesAtClose() throws Exception {
        escapeDiesAtClose(ROOTLESS, List.of());
    }

    @Test
    void rootless_aProcessThatLeftTheNetworkNamespaceDiesWithTheJvm() throws Exception {
        escapeDiesWithTheJvm(ROOTLESS, List.of());
    }

    @Test
    void rootless_aProgramThatEscapesWhileTheTopologyClosesDoesNotSurvive() throws Exception {
        String marker = "1012." + ThreadLocalRandom.current().nextInt(1, 1_000_000);
        Process victim = victim(ROOTLESS, List.of(), marker, "race");
        try {
            String report = new String(victim.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(victim.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(report).as("the victim's report").contains("RACED");
            assertThat(ContainmentIT.sleepers(marker)).as("programs that left by unshare -n while their topology "
                    + "closed (20 rounds; %s)", report.strip()).isEmpty();
        } finally {
            victim.destroyForcibly();
            killSleepers(marker);
        }
    }

    private static final List<String> ROOTLESS = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
            "--", "unshare", "--user", "--map-root-user", "--");

    private static void escapeDiesAtClose(List<String> prefix, List<String> options) throws Exception {
        String marker = "1011." + ThreadLocalRandom.current().nextInt(1, 1_000_000);
        Process victim = victim(prefix, options, marker, "close");
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = output.readLine()) != null) {
                lines.add(line);
            }
            assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(lines).as("the victim's report").contains("CAT fed", "CLOSED", "REFUSED true");
            assertPidIsTheJvmsView(lines, victim);
            assertThat(ContainmentIT.sleepers(marker)).as("a program that left its network namespace by unshare -n, "
                    + "after close()").isEmpty();
        } finally {
            victim.destroyForcibly();
            killSleepers(marker);
        }
    }

    private static void escapeDiesWithTheJvm(List<String> prefix, List<String> options) throws Exception {
        String marker = "1011." + ThreadLocalRandom.current().nextInt(1, 1_000_000);
        Process victim = victim(prefix, options, marker, "crash");
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = output.readLine()) != null && !line.startsWith("ESCAPED")) {
                // CAT, PROGRAM
            }
            assertThat(line).as("the victim's report").isNotNull();
            assertThat(ContainmentIT.sleepers(marker)).as("the escaped sleep runs before the kill").hasSize(1);

            victim.destroyForcibly();
            assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();

            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                    assertThat(ContainmentIT.sleepers(marker)).as("the escaped sleep, after kill -9 of its JVM").isEmpty());
        } finally {
            victim.destroyForcibly();
            killSleepers(marker);
        }
    }

    /** {@code Program.pid()} is the pid this JVM sees, and the program is this JVM's child. */
    private static void assertPidIsTheJvmsView(List<String> lines, Process victim) {
        String program = lines.stream().filter(line -> line.startsWith("PROGRAM ")).findFirst().orElseThrow();
        String[] fields = program.split(" ");
        assertThat(Long.parseLong(fields[1])).as("Program.pid()").isGreaterThan(1);
        assertThat(Long.parseLong(fields[2])).as("the parent of Program.pid(), seen by the victim").isEqualTo(victim.pid());
    }

    @Test
    void theSweepKillsTheInitADeadRunLeftButNoStrangerWithItsPid() throws Exception {
        Reaper.get();
        // a stray init: pid 1 of a PID namespace of its own, as a dead run would leave it
        Process strayParent = new ProcessBuilder("unshare", "--pid", "--fork", "sleep", "600").start();
        Process anotherParent = new ProcessBuilder("unshare", "--pid", "--fork", "sleep", "600").start();
        // a process of this PID namespace, named with its true pid and start time
        Process plain = new ProcessBuilder("sleep", "600").start();
        Path journal = Path.of("/run/netns-junit", "run-test-pidns-" + System.nanoTime() + ".journal");
        try {
            long stray = await().atMost(Duration.ofSeconds(5)).until(() -> childOf(strayParent), pid -> pid > 0);
            long another = await().atMost(Duration.ofSeconds(5)).until(() -> childOf(anotherParent), pid -> pid > 0);
            String[] strayIdentity = identity(stray);
            String[] anotherIdentity = identity(another);
            String[] plainIdentity = identity(plain.pid());
            Files.writeString(journal, RunJournal.header()
                    + "*" + stray + ":" + strayIdentity[0] + ":" + strayIdentity[1] + "\n"
                    // the pid of a live init, but it started later: the dead run's init is gone, the pid reused
                    + "*" + another + ":" + (Long.parseLong(anotherIdentity[0]) - 1) + ":" + anotherIdentity[1] + "\n"
                    // the same pid and start time, but another namespace: an inode number given to someone else
                    + "*" + another + ":" + anotherIdentity[0] + ":" + (Long.parseLong(anotherIdentity[1]) + 1) + "\n"
                    // exact pid and start time of a process that is no init (its namespace is this JVM's)
                    + "*" + plain.pid() + ":" + plainIdentity[0] + ":" + plainIdentity[1] + "\n"
                    // an init the dead run reaped itself
                    + "*" + another + ":" + anotherIdentity[0] + ":" + anotherIdentity[1] + "\n"
                    + "/" + another + ":" + anotherIdentity[0] + ":" + anotherIdentity[1] + "\n");

            List<Long> killed = Reaper.sweepDeadRuns();

            assertThat(killed).as("killed by the sweep").contains(stray).doesNotContain(another, plain.pid());
            assertThat(strayParent.waitFor(5, TimeUnit.SECONDS)).as("the stray init's namespace is gone").isTrue();
            assertThat(ProcessHandle.of(another).map(ProcessHandle::isAlive)).as("a stranger's init").contains(true);
            assertThat(plain.isAlive()).as("a stranger that is no init").isTrue();
            assertThat(journal).as("the dead run's journal, once swept").doesNotExist();
        } finally {
            CrashIT.killWithDescendants(strayParent);
            CrashIT.killWithDescendants(anotherParent);
            plain.destroyForcibly();
            Files.deleteIfExists(journal);
        }
    }

    /** The start time ({@code /proc/PID/stat} field 22) and PID namespace inode of a process. */
    private static String[] identity(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String start = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
        long inode = ((Number) Files.getAttribute(Path.of("/proc", Long.toString(pid), "ns/pid"), "unix:ino")).longValue();
        return new String[] {start, Long.toString(inode)};
    }

    /** The pid of {@code parent}'s child once it runs {@code sleep} (unshare forks first), or -1. */
    private static long childOf(Process parent) {
        return parent.children().filter(child -> child.info().command().map(command -> command.endsWith("sleep"))
                .orElse(false)).mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }

    private static Process victim(List<String> prefix, List<String> options, String marker, String mode) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:-UsePerfData");
        command.add("-Djava.io.tmpdir=" + world.resolve("tmp"));
        command.addAll(options);
        String classPath;
        try (Stream<Path> entries = Files.list(world.resolve("lib"))) {
            classPath = String.join(":", entries.map(Path::toString).sorted().toList());
        }
        command.addAll(List.of("-cp", classPath, PidNamespaceVictim.class.getName(), marker, mode));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static void killSleepers(String marker) throws IOException {
        for (long pid : ContainmentIT.sleepers(marker)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** This JVM's class path, with the entries of a manifest-only jar (as failsafe starts it) expanded. */
    private static List<Path> classPath() throws IOException {
        List<Path> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path path = Path.of(entry);
            java.util.jar.Manifest manifest = null;
            if (Files.isRegularFile(path) && entry.endsWith(".jar")) {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(path.toFile())) {
                    manifest = jar.getManifest();
                }
            }
            String listed = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (listed == null) {
                entries.add(path);
                continue;
            }
            for (String url : listed.trim().split("\\s+")) {
                entries.add(Path.of(path.getParent().toUri().resolve(url)));
            }
        }
        return entries;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static void run(String... command) throws IOException {
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
