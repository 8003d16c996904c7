package dev.netns.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Makes sure nothing outlives the JVM. Namespaces die with the JVM on their own (only this JVM
 * holds them), but a program started inside one would keep it alive. So, before the first
 * namespace is made, a small watchdog process is started in its own session; the JVM tells it
 * over a pipe which namespaces it owns. When the pipe closes (the JVM exited or was killed, even
 * by SIGKILL) the watchdog kills every process still inside those namespaces.
 *
 * <p>Every program started by {@code exec} also carries {@value #OWNER_VARIABLE} in its
 * environment; at start, processes marked by a JVM that no longer runs are killed (the leftovers
 * of a run whose watchdog died too). Processes of live runs are never touched.
 */
public final class Reaper {

    /** Environment variable naming the JVM (pid and start time) that started a program. */
    public static final String OWNER_VARIABLE = "NETNS_JUNIT_OWNER";

    private static final String SCRIPT = """
            declare -A owned
            while IFS= read -r line; do
              case "$line" in
                +*) owned[${line:1}]=1 ;;
                -*) unset "owned[${line:1}]" ;;
              esac
            done
            [ ${#owned[@]} -eq 0 ] && exit 0
            for attempt in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
              victims=()
              while read -r inode path; do
                pid=${path#/proc/}; pid=${pid%%/*}
                [ -n "${owned[$inode]:-}" ] && [ "$pid" != "$$" ] && victims+=("$pid")
              done < <(stat -L -c '%i %n' /proc/[0-9]*/ns/net 2>/dev/null)
              [ ${#victims[@]} -eq 0 ] && exit 0
              kill -9 "${victims[@]}" 2>/dev/null
              sleep 0.1
            done
            """;

    private static Reaper instance;

    private final Process watchdog;
    private final OutputStream pipe;

    private Reaper(Process watchdog) {
        this.watchdog = watchdog;
        this.pipe = watchdog.getOutputStream();
    }

    /** The watchdog of this JVM, started (after a sweep of dead runs' leftovers) on first use. */
    public static synchronized Reaper get() {
        if (instance == null || !instance.watchdog.isAlive()) {
            sweepDeadRuns();
            try {
                Process process = new ProcessBuilder("setsid", "bash", "-c", SCRIPT, "netns-junit-reaper")
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                instance = new Reaper(process);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the netns-junit watchdog (setsid, bash): " + e.getMessage(), e);
            }
        }
        return instance;
    }

    /** The value of {@value #OWNER_VARIABLE} for programs started by this JVM. */
    public static String ownerMarker() {
        ProcessHandle self = ProcessHandle.current();
        return self.pid() + ":" + self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /** The watchdog process, for tests. */
    public ProcessHandle process() {
        return watchdog.toHandle();
    }

    /** Tells the watchdog that this JVM owns the namespace with this inode. */
    public synchronized void own(long namespaceInode) {
        send("+" + namespaceInode);
    }

    /**
     * Tells the watchdog that the namespace is released. If the watchdog is gone (someone killed
     * it), there is nothing left to tell: teardown goes on, and the next topology starts a new one.
     */
    public synchronized void release(long namespaceInode) {
        try {
            send("-" + namespaceInode);
        } catch (IllegalStateException gone) {
            System.getLogger(Reaper.class.getName()).log(System.Logger.Level.DEBUG, gone.getMessage());
        }
    }

    private void send(String line) {
        try {
            pipe.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            pipe.flush();
        } catch (IOException e) {
            throw new IllegalStateException("the netns-junit watchdog is gone: " + e.getMessage(), e);
        }
    }

    /**
     * Kills the processes marked with {@value #OWNER_VARIABLE} by a JVM that no longer runs.
     *
     * @return the pids killed
     */
    public static List<Long> sweepDeadRuns() {
        List<Long> killed = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            processes.filter(path -> path.getFileName().toString().chars().allMatch(Character::isDigit))
                    .forEach(path -> ownerOf(path).ifPresent(owner -> {
                        if (!isAlive(owner)) {
                            long pid = Long.parseLong(path.getFileName().toString());
                            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                            killed.add(pid);
                        }
                    }));
        } catch (IOException e) {
            // without /proc there is nothing to sweep
        }
        return killed;
    }

    private static Optional<String> ownerOf(Path process) {
        try {
            byte[] environment = Files.readAllBytes(process.resolve("environ"));
            String prefix = OWNER_VARIABLE + "=";
            for (String entry : new String(environment, StandardCharsets.UTF_8).split("\0")) {
                if (entry.startsWith(prefix)) {
                    return Optional.of(entry.substring(prefix.length()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not ours to read
        }
        return Optional.empty();
    }

    private static boolean isAlive(String owner) {
        int colon = owner.indexOf(':');
        if (colon < 0) {
            return false;
        }
        try {
            long pid = Long.parseLong(owner.substring(0, colon));
            long started = Long.parseLong(owner.substring(colon + 1));
            return ProcessHandle.of(pid)
                    .flatMap(process -> process.info().startInstant())
                    .map(instant -> Math.abs(instant.toEpochMilli() - started) < 1000)
                    .orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
