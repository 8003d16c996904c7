package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netns.internal.Reaper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A JVM killed with SIGKILL in the middle of a test leaves nothing behind. */
class CrashIT {

    @Test
    void sigkilledJvmLeavesNoProcessAndNoNamespaceWithinFiveSeconds() throws Exception {
        String linksBefore = machineLinks();
        Path pidFile = Files.createTempFile("victim", ".pid");
        Process victim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashVictim.class.getName(), pidFile.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            String ready = new BufferedReader(new InputStreamReader(victim.getInputStream())).readLine();
            assertThat(ready).as("the victim JVM reports its topology").startsWith("READY ");
            String[] parts = ready.split(" ");
            Set<Long> inodes = Arrays.stream(parts[1].split(",")).map(Long::parseLong).collect(Collectors.toSet());
            long program = Long.parseLong(parts[2]);
            assertThat(inodes).hasSize(3);
            assertThat(processesIn(inodes)).as("the program and its child run inside").hasSizeGreaterThanOrEqualTo(2);

            victim.destroyForcibly();
            assertThat(victim.waitFor(5, TimeUnit.SECONDS)).isTrue();
            long killedAt = System.nanoTime();

            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                assertThat(ProcessHandle.of(program).map(ProcessHandle::isAlive)).as("the program").isNotEqualTo(java.util.Optional.of(true));
                assertThat(processesIn(inodes)).as("processes inside the dead JVM's namespaces").isEmpty();
            });
            System.out.printf("crash cleanup took %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);
            assertThat(machineLinks()).isEqualTo(linksBefore);
            assertThat(Files.exists(Path.of("/run/netns")) ? Files.list(Path.of("/run/netns")).count() : 0).isZero();
        } finally {
            victim.destroyForcibly();
            Files.deleteIfExists(pidFile);
        }
    }

    @Test
    void leftoversOfDeadRunsAreSweptButLiveRunsAreNotTouched() throws Exception {
        Process orphan = markedSleep("999999999:0");
        Process live = markedSleep(Reaper.ownerMarker());
        try {
            List<Long> killed = Reaper.sweepDeadRuns();

            assertThat(killed).contains(orphan.pid()).doesNotContain(live.pid());
            assertThat(orphan.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(live.isAlive()).isTrue();
        } finally {
            orphan.destroyForcibly();
            live.destroyForcibly();
        }
    }

    private static Process markedSleep(String owner) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("sleep", "600");
        builder.environment().put(Reaper.OWNER_VARIABLE, owner);
        return builder.start();
    }

    private static List<Long> processesIn(Set<Long> inodes) throws IOException {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
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

    private static String machineLinks() throws Exception {
        Process ip = new ProcessBuilder("ip", "-o", "link").start();
        String output = new String(ip.getInputStream().readAllBytes());
        ip.waitFor();
        return output.replaceAll("(?m)^(\\d+: \\S+).*$", "$1");
    }
}
