package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Programs started while their topology closes, from threads racing {@code close()}: none of them
 * outlives {@code close()}, nor the JVM's death by {@code kill -9}. Each round's programs are
 * {@code sleep 7311.<run><round>}, so only what this test made is counted.
 */
class ExecCloseRaceIT {

    private static final int ROUNDS = 300;
    private static final int KILLED_JVMS = 10;

    @Test
    void noProgramStartedWhileTheTopologyClosesSurvivesClose() throws Exception {
        String run = Integer.toString(ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
        Random random = new Random(Long.getLong("netns.race.seed", System.nanoTime()));
        AtomicInteger started = new AtomicInteger();
        List<String> survivors = new ArrayList<>();
        long begin = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++) {
            String marker = String.format("7311.%s%03d", run, round);
            race(marker, random.nextInt(2_000_000), started);
            List<Long> left = carrying(marker);
            if (!left.isEmpty()) {
                survivors.add("round " + round + ": " + describe(left));
                left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            }
        }
        long millis = (System.nanoTime() - begin) / 1_000_000;
        // one that was still on its way (a shell, unshare) at its round's check is a sleep by now
        Thread.sleep(500);
        List<Long> late = carrying("7311." + run);
        if (!late.isEmpty()) {
            survivors.add("found after the last round: " + describe(late));
            late.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
        System.out.printf("exec/close race: %d rounds, %d programs started, %d rounds with survivors, %d ms%n",
                ROUNDS, started.get(), survivors.size(), millis);
        assertThat(started.get()).as("programs that started before close() refused them (the race took place)")
                .isGreaterThan(ROUNDS);
        assertThat(survivors).as("programs of the race that outlived close()").isEmpty();
    }

    @Test
    void noProgramStartedWhileTheTopologyClosesSurvivesTheJvmsDeath() throws Exception {
        Random random = new Random(Long.getLong("netns.race.seed", System.nanoTime()));
        long seen = 0;
        long worstMillis = 0;
        for (int jvm = 0; jvm < KILLED_JVMS; jvm++) {
            String prefix = String.format("7312.%d%02d", ThreadLocalRandom.current().nextInt(100_000, 1_000_000), jvm);
            Process victim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    // the prefix in two parts, so that the victim's own command line does not carry it
                    ExecCloseRaceVictim.class.getName(), prefix.substring(0, 5), prefix.substring(5))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            BufferedReader output = new BufferedReader(new InputStreamReader(victim.getInputStream()));
            // the first round has run: the JVM is warm, the kill lands among starts and closes
            assertThat(output.readLine()).isEqualTo("RACING");
            Thread.sleep(random.nextInt(400));
            seen += carrying(prefix).size();
            victim.destroyForcibly();
            assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long killedAt = System.nanoTime();
            long deadline = killedAt + TimeUnit.SECONDS.toNanos(5);
            List<Long> left = carrying(prefix);
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                left = carrying(prefix);
            }
            worstMillis = Math.max(worstMillis, (System.nanoTime() - killedAt) / 1_000_000);
            String described = describe(left);
            left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            assertThat(left).as("JVM %d: programs of the race left 5 s after its kill -9:%s", jvm, described).isEmpty();
        }
        System.out.printf("exec/close race with kill -9: %d JVMs, %d programs running at the kills, all gone; "
                + "slowest cleanup %d ms%n", KILLED_JVMS, seen, worstMillis);
    }

    /**
     * One round: three threads start programs (a plain {@code start}; a shell that leaves two
     * children behind or one that left the namespace; the latter with standard input from bytes) while this thread closes the topology, {@code delayNanos} after the first
     * program started, so that close() meets starts in flight.
     */
    static void race(String marker, long delayNanos, AtomicInteger started) throws InterruptedException {
        Topology net = Topology.builder().namespace("red").start();
        NetNs red = net.namespace("red");
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch first = new CountDownLatch(1);
        Thread starter = racer(go, first, () -> red.start("sleep", marker), started);
        // a shell leaving two children, or one leaving a child that left the namespace and the session
        String script = ThreadLocalRandom.current().nextBoolean() ? "sleep " + marker + " & sleep " + marker + " &"
                : "(setsid unshare -n sleep " + marker + " &)";
        Thread forker = racer(go, first, () -> red.exec(Duration.ofSeconds(10), "sh", "-c", script), started);
        // standard input from bytes: a pipe the JVM writes to
        Thread feeder = racer(go, first, () -> red.command("sh", "-c", "(setsid unshare -n sleep "
                + marker + " &)").input("go\n".getBytes(StandardCharsets.US_ASCII)).timeout(Duration.ofSeconds(10))
                .exec(), started);
        go.countDown();
        first.await(10, TimeUnit.SECONDS);
        LockSupport.parkNanos(delayNanos);
        net.close();
        starter.join();
        forker.join();
        feeder.join();
    }

    /** Starts programs until the topology refuses them (at most 50). */
    private static Thread racer(CountDownLatch go, CountDownLatch first, Runnable startOne, AtomicInteger started) {
        Thread thread = new Thread(() -> {
            try {
                go.await();
                for (int i = 0; i < 50; i++) {
                    startOne.run();
                    started.incrementAndGet();
                    first.countDown();
                }
            } catch (NetnsException closed) {
                // the race is the point
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "race-" + System.nanoTime());
        thread.start();
        return thread;
    }

    /**
     * The pids of processes whose command line carries {@code marker} (the sleeps, and the shells
     * and {@code unshare}s on their way to one); none but this test's do.
     */
    private static List<Long> carrying(String marker) throws IOException {
        return matching(cmdline -> cmdline.contains(marker));
    }

    private static List<Long> matching(java.util.function.Predicate<String> cmdline) throws IOException {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(path -> path.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(path -> {
                        try {
                            return cmdline.test(new String(Files.readAllBytes(path.resolve("cmdline"))));
                        } catch (IOException | RuntimeException gone) {
                            return false;
                        }
                    })
                    .map(path -> Long.parseLong(path.getFileName().toString()))
                    .toList();
        }
    }

    /** Each process with its parent, cgroup and namespace, for the failure message. */
    private static String describe(List<Long> pids) {
        StringBuilder text = new StringBuilder();
        for (long pid : pids) {
            text.append("\n  ").append(pid);
            try {
                Path proc = Path.of("/proc", Long.toString(pid));
                String status = Files.readString(proc.resolve("status"));
                status.lines().filter(line -> line.startsWith("PPid:") || line.startsWith("State:"))
                        .forEach(line -> text.append(' ').append(line.replace('\t', ' ')));
                text.append(" cgroup ").append(Files.readString(proc.resolve("cgroup")).lines()
                        .filter(line -> line.startsWith("0::")).findFirst().orElse("?"));
                text.append(" net ").append(Files.readSymbolicLink(proc.resolve("ns/net")));
            } catch (IOException | RuntimeException gone) {
                text.append(" (gone)");
            }
        }
        return text.toString();
    }
}
