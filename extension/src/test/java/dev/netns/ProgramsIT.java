package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.netns.internal.namespace.Graveyard;
import dev.netns.internal.topology.NamespaceHandle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Programs in the background, their options and output, and teardown of every process inside. */
class ProgramsIT {

    private Topology net;
    private NetNs red;
    private NetNs blue;

    @BeforeEach
    void start() {
        net = Topology.builder()
                .namespace("red")
                .namespace("blue")
                .veth("red", "10.7.0.1/24", "blue", "10.7.0.2/24")
                .start();
        red = net.namespace("red");
        blue = net.namespace("blue");
    }

    @AfterEach
    void close() {
        net.close();
    }

    @Test
    void serverInOneNamespaceAnswersClientInAnother() {
        try (Program server = blue.start("nc", "-l", "-k", "7000")) {
            server.awaitPort(7000, Duration.ofSeconds(10));
            ExecResult client = red.command("nc", "-N", "-w", "2", "10.7.0.2", "7000")
                    .input("hello over the cable\n".getBytes(StandardCharsets.UTF_8)).exec();
            assertThat(client.succeeded()).as(client.toString()).isTrue();
            server.awaitOutput("hello over the cable", Duration.ofSeconds(5));

            ExecResult stopped = server.stop();
            assertThat(stopped.exitCode()).as("SIGTERM ends nc").isEqualTo(128 + 15);
            assertThat(stopped.stdout()).contains("hello over the cable");
            assertThat(server.isAlive()).isFalse();
            assertThat(server.stop()).as("a second stop returns the same result").isSameAs(stopped);
        }
    }

    @Test
    void awaitPortOnAProgramThatNeverListensFailsInAboutItsTimeoutWithItsOutput() {
        Program silent = red.start("sh", "-c", "echo still starting; exec sleep 60");
        long started = System.nanoTime();
        assertThatThrownBy(() -> silent.awaitPort(7001, Duration.ofMillis(800)))
                .isInstanceOf(NetnsException.class)
                .hasMessageContaining("program 'sh -c echo still starting; exec sleep 60'")
                .hasMessageContaining("in namespace 'red'")
                .hasMessageContaining("did not listen on TCP port 7001")
                .hasMessageContaining("still starting");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(tookMillis).isBetween(800L, 3000L);
        assertThat(silent.isAlive()).as("a failed wait does not stop the program").isTrue();
    }

    @Test
    void awaitPortFailsAtOnceWhenTheProgramExits() {
        Program crashing = red.start("sh", "-c", "echo cannot bind >&2; exit 3");
        long started = System.nanoTime();
        assertThatThrownBy(() -> crashing.awaitPort(7002, Duration.ofSeconds(20)))
                .isInstanceOf(NetnsException.class)
                .hasMessageContaining("exited with code 3")
                .hasMessageContaining("cannot bind");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5000);
    }

    @Test
    void awaitOutputSeesStderrToo() {
        Program program = red.start("sh", "-c", "sleep 0.2; echo ready >&2; exec sleep 60");
        program.awaitOutput("ready", Duration.ofSeconds(5));
        assertThat(program.stderr()).isEqualTo("ready\n");
        assertThat(program.stdout()).isEmpty();
    }

    @Test
    void aProgramThatCannotStartIsNamed() {
        assertThatThrownBy(() -> red.start("no-such-program-here", "--flag"))
                .isInstanceOf(NetnsException.class)
                .hasMessageContaining("cannot start program 'no-such-program-here --flag' in namespace 'red'");
        assertThatThrownBy(() -> red.exec("/etc"))
                .isInstanceOf(NetnsException.class)
                .hasMessageContaining("cannot start program '/etc'");
    }

    @Test
    void badCommandsAreNetnsExceptions() {
        assertThatThrownBy(() -> red.exec((String[]) null)).isInstanceOf(NetnsException.class)
                .hasMessageContaining("no program given");
        assertThatThrownBy(() -> red.exec("sleep", null)).isInstanceOf(NetnsException.class)
                .hasMessageContaining("argument 1 is null");
        assertThatThrownBy(() -> red.start()).isInstanceOf(NetnsException.class);
    }

    @Test
    void environmentDirectoryInputAndTimeout(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("input.txt"), "from a file\n");
        ExecResult result = red.command("sh", "-c", "echo \"$GREETING\"; pwd; cat; echo \"${HOME:-no home}\"")
                .environment("GREETING", "hello")
                .environment("HOME", null)
                .directory(directory)
                .input("from bytes\n".getBytes(StandardCharsets.UTF_8))
                .exec();
        assertThat(result.stdout()).isEqualTo("hello\n" + directory.toRealPath() + "\nfrom bytes\nno home\n");

        ExecResult fromFile = red.command("cat").input(directory.resolve("input.txt")).exec();
        assertThat(fromFile.stdout()).isEqualTo("from a file\n");

        ExecResult slow = red.command("sleep", "30").timeout(Duration.ofMillis(300)).exec();
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.succeeded()).isFalse();
    }

    @Test
    void inputBytesLeaveNoThreadOfTheJvmInTheNamespace() throws IOException {
        long before = threadsOfThisJvmIn(red);
        ExecResult result = red.command("cat").input("fed\n".getBytes(StandardCharsets.UTF_8)).exec();
        assertThat(result.stdout()).isEqualTo("fed\n");
        // a ProcessBuilder started there would leave the JDK's "process reaper" thread in red, past the topology
        assertThat(threadsOfThisJvmIn(red)).isEqualTo(before);
    }

    /** Threads of this JVM whose network namespace is {@code ns}'s. */
    private static long threadsOfThisJvmIn(NetNs ns) throws IOException {
        Path namespace = Files.readSymbolicLink(ns.path());
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(task -> {
                try {
                    return Files.readSymbolicLink(task.resolve("ns/net")).equals(namespace);
                } catch (IOException ended) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void inputLargerThanAPipeDoesNotBlockAProgramThatIgnoresIt() {
        byte[] big = new byte[1 << 20];
        ExecResult result = red.command("true").input(big).timeout(Duration.ofSeconds(5)).exec();
        assertThat(result.succeeded()).isTrue();
        ExecResult read = red.command("wc", "-c").input(big).timeout(Duration.ofSeconds(10)).exec();
        assertThat(read.stdout().strip()).as("every byte arrives, then the end of input").isEqualTo(Integer.toString(big.length));
    }

    @Test
    void chattyOutputIsCappedHeadAndTailAndSaysSo() {
        // 40 MiB: more than the kept head and tail together; the program must not block
        ExecResult result = red.command("sh", "-c", "head -c 41943040 /dev/zero | tr '\\0' x; echo; echo THE-END")
                .timeout(Duration.ofSeconds(60)).exec();
        assertThat(result.succeeded()).as("exit %d", result.exitCode()).isTrue();
        assertThat(result.stdout()).startsWith("xxxx").endsWith("THE-END\n").contains("bytes of output dropped here");
        assertThat(result.stdout().length()).isLessThan(Program.OUTPUT_HEAD_BYTES + Program.OUTPUT_TAIL_BYTES + 1000);
    }

    @Test
    void outputThatIsNotUtf8IsDecodedLenientlyAndTheExitCodeKept() {
        ExecResult result = red.exec("sh", "-c", "printf 'ok \\377\\376 end'; exit 4");
        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.stdout()).startsWith("ok ").endsWith(" end").contains("\uFFFD");
    }

    @Test
    void aProgramEndedBySignalReportsOneHundredTwentyEightPlusTheSignal() {
        assertThat(red.exec("sh", "-c", "kill -9 $$").exitCode()).isEqualTo(128 + 9);
        assertThat(red.exec("sh", "-c", "kill -15 $$").exitCode()).isEqualTo(128 + 15);
    }

    @Test
    void programsInheritNoDescriptorOfTheJvm() {
        // 0-2 are the program's input and output; 3 is the directory ls reads
        assertThat(red.exec("ls", "/proc/self/fd").stdout().lines()).containsExactly("0", "1", "2", "3");
        Program background = red.start("sh", "-c", "ls /proc/$$/fd; sleep 5");
        background.awaitOutput("2", Duration.ofSeconds(5));
        assertThat(background.stop().stdout().lines()).containsExactly("0", "1", "2");
    }

    @Test
    void programsStartWithNoSignalBlocked() {
        String blocked = red.exec("grep", "SigBlk", "/proc/self/status").stdout().strip();
        assertThat(blocked).isEqualTo("SigBlk:\t0000000000000000");
    }

    @Test
    void teardownKillsEveryProcessInsideHoweverItWasStarted() throws Exception {
        Set<Long> inodes = net.namespaces().stream()
                .map(ns -> ((NamespaceHandle) ns).inode()).collect(Collectors.toSet());
        red.start("sleep", "600");
        red.exec("sh", "-c", "sleep 601 > /dev/null 2>&1 &");
        red.exec("setsid", "-f", "sleep", "602");
        // a daemon that double-forks and leaves its session
        blue.exec("sh", "-c", "(setsid sh -c 'sleep 603 &' &) ; sleep 0.1");
        Process fromCall = blue.call(() -> new ProcessBuilder("sleep", "604").start());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(processesIn(inodes)).as("sleeps started every way").hasSizeGreaterThanOrEqualTo(5));

        long closing = System.nanoTime();
        net.close();
        long tookMillis = (System.nanoTime() - closing) / 1_000_000;

        assertThat(processesIn(inodes)).as("processes inside the closed topology").isEmpty();
        assertThat(fromCall.isAlive()).isFalse();
        assertThat(tookMillis).as("teardown waits for them, within 5 s").isLessThan(5000);
    }

    @Test
    void manyStartStopCyclesLeakNoDescriptorsOrThreads() throws IOException {
        for (int i = 0; i < 20; i++) {
            red.start("sleep", "60").stop();
        }
        long fds = openDescriptors();
        int threads = Thread.activeCount();
        for (int i = 0; i < 500; i++) {
            Program program = red.start("sleep", "60");
            assertThat(program.isAlive()).isTrue();
            program.close();
        }
        assertThat(openDescriptors()).isLessThanOrEqualTo(fds + 5);
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threads + 5);
        assertThat(processesIn(Set.of(((NamespaceHandle) red).inode()))).isEmpty();
    }

    static long openDescriptors() throws IOException {
        // closed namespaces are let go in batches: count what is open for good
        Graveyard.releaseAll();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    static List<Long> processesIn(Set<Long> inodes) throws IOException {
        try (var processes = Files.list(Path.of("/proc"))) {
            return processes.filter(path -> path.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(path -> {
                        try {
                            return inodes.contains(((Number) Files.getAttribute(path.resolve("ns/net"), "unix:ino")).longValue());
                        } catch (IOException | RuntimeException gone) {
                            return false;
                        }
                    })
                    .map(path -> Long.parseLong(path.getFileName().toString()))
                    .toList();
        }
    }
}
