package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SIGKILLs a busy child JVM at 50 random moments (while it builds topologies, starts programs every
 * way, runs them, refills its pool, tears down) and checks that within 5 s nothing of it is left:
 * no process in any namespace it had, no file of ours in the temporary folder.
 */
class KillHarnessIT {

    private static final int ROUNDS = 50;

    @Test
    void nothingOutlivesAJvmKilledAtRandomMoments() throws Exception {
        Random random = new Random(Long.getLong("netns.kill.seed", System.nanoTime()));
        Set<String> tmpBefore = ourTemporaryFiles();
        long worstMillis = 0;
        long totalProcessesSeen = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Set<Long> inodes = ConcurrentHashMap.newKeySet();
            Process victim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), KillVictim.class.getName())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            BufferedReader output = new BufferedReader(new InputStreamReader(victim.getInputStream()));
            assertThat(output.readLine()).isEqualTo("READY");
            Thread reader = new Thread(() -> {
                try {
                    String line;
                    while ((line = output.readLine()) != null) {
                        if (line.startsWith("NS ")) {
                            inodes.add(Long.parseLong(line.substring(3)));
                        }
                    }
                } catch (IOException gone) {
                    // the victim died
                }
            });
            reader.start();
            Thread.sleep(50 + random.nextInt(1200));
            totalProcessesSeen += ProgramsIT.processesIn(inodes).size();
            victim.destroyForcibly();
            assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
            reader.join(5000);
            long killedAt = System.nanoTime();
            long deadline = killedAt + TimeUnit.SECONDS.toNanos(5);
            List<Long> left = ProgramsIT.processesIn(inodes);
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                left = ProgramsIT.processesIn(inodes);
            }
            long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;
            worstMillis = Math.max(worstMillis, tookMillis);
            assertThat(left).as("round %d: processes left in the killed JVM's %d namespaces after 5 s: %s", round,
                    inodes.size(), describe(left)).isEmpty();
        }
        assertThat(ourTemporaryFiles()).as("files of ours in the temporary folder").isSubsetOf(tmpBefore);
        System.out.printf("kill harness: %d rounds, %d processes were running inside at the kills, all gone; "
                + "slowest cleanup %d ms%n", ROUNDS, totalProcessesSeen, worstMillis);
    }

    private static Set<String> ourTemporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.map(path -> path.getFileName().toString()).filter(name -> name.startsWith("netns-junit"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    /** Each process with its parent and command line, for the failure message. */
    private static String describe(List<Long> pids) {
        StringBuilder text = new StringBuilder();
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(process -> text.append("\n  ").append(pid).append(" (parent ")
                    .append(process.parent().map(ProcessHandle::pid).orElse(-1L)).append("): ")
                    .append(process.info().commandLine().orElse("?")));
            try {
                text.append(" cgroup ").append(java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"))
                        .lines().filter(line -> line.startsWith("0::")).findFirst().orElse("?"));
            } catch (IOException gone) {
                text.append(" (gone)");
            }
        }
        return text.toString();
    }
}
