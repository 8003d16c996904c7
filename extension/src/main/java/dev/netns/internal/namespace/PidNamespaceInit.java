package dev.netns.internal.namespace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Who the init of a topology's PID namespace is, in a form a run journal can keep: its pid as
 * this JVM sees it, its start time (clock ticks since boot, {@code /proc/PID/stat} field 22) and
 * the inode of its PID namespace. A process is taken for that init only if all three still
 * match and it is pid 1 of its namespace: a pid handed to a stranger since has another start
 * time, and a stranger's namespace that got the inode number has another init.
 *
 * @param pid the init's pid in this JVM's PID namespace
 * @param startTime when it started, in clock ticks since boot
 * @param namespaceInode the inode number of its PID namespace ({@code /proc/PID/ns/pid})
 */
public record PidNamespaceInit(long pid, long startTime, long namespaceInode) {

    private static final Path PROC = Path.of("/proc");

    /** The identity of process {@code pid} now; empty when it is gone or unreadable. */
    static Optional<PidNamespaceInit> of(long pid) {
        Path process = PROC.resolve(Long.toString(pid));
        try {
            long start = startTime(Files.readString(process.resolve("stat"), StandardCharsets.US_ASCII));
            long inode = ((Number) Files.getAttribute(process.resolve("ns/pid"), "unix:ino")).longValue();
            return Optional.of(new PidNamespaceInit(pid, start, inode));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    /** Field 22 of a {@code /proc/PID/stat} line (counted after the command, which may hold spaces). Pure. */
    static long startTime(String stat) {
        String[] fields = NamespaceProcesses.statFields(stat);
        // fields[0] is field 3 (the state)
        return Long.parseLong(fields[22 - 3]);
    }

    /** The pid of process {@code pid} inside its own PID namespace (last of {@code NSpid}); -1 if unknown. Pure. */
    static long innermostPid(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("NSpid:")) {
                String[] pids = line.substring("NSpid:".length()).strip().split("\\s+");
                try {
                    return Long.parseLong(pids[pids.length - 1]);
                } catch (NumberFormatException garbage) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** The form a journal records: {@code PID:START:INODE}. */
    public String line() {
        return pid + ":" + startTime + ":" + namespaceInode;
    }

    /** Reads {@link #line()}; empty for anything else. */
    static Optional<PidNamespaceInit> parse(String text) {
        String[] parts = text.split(":");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            PidNamespaceInit init = new PidNamespaceInit(Long.parseLong(parts[0]), Long.parseLong(parts[1]),
                    Long.parseLong(parts[2]));
            return init.pid() > 1 ? Optional.of(init) : Optional.empty();
        } catch (NumberFormatException garbage) {
            return Optional.empty();
        }
    }

    /**
     * Kills this init, and so its whole PID namespace, if it still runs: the pidfd is opened
     * first, then the process behind it is checked to be this very init (same start time, same
     * namespace, pid 1 there, not this JVM's namespace), then signalled through the pidfd. A
     * signal that arrives proves the checked process lived from the open to the signal.
     *
     * @return whether it was killed
     */
    boolean killIfStillRunning() {
        return NamespaceProcesses.killIfOurs(pid, ignored -> isStillThisInit());
    }

    private boolean isStillThisInit() {
        if (of(pid).filter(this::equals).isEmpty()) {
            return false;
        }
        try {
            long own = ((Number) Files.getAttribute(Path.of("/proc/self/ns/pid"), "unix:ino")).longValue();
            String status = Files.readString(PROC.resolve(Long.toString(pid)).resolve("status"), StandardCharsets.US_ASCII);
            return namespaceInode != own && innermostPid(status) == 1;
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }
}
