package dev.netns.internal.namespace;

import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import dev.netns.internal.system.Pidfds;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * Finds processes by the network namespace they live in, whatever started them (a program of
 * ours, a shell's {@code &}, a daemon that double-forked, a {@code ProcessBuilder} inside
 * {@code call()}), and kills them. Only namespaces this JVM still holds are ever named, so their
 * inode numbers cannot belong to anyone else meanwhile.
 */
public final class NamespaceProcesses {

    private static final System.Logger LOG = System.getLogger(NamespaceProcesses.class.getName());
    private static final Path PROC = Path.of("/proc");
    private static final long SELF = ProcessHandle.current().pid();
    /** How long {@link #stopAll} waits for its processes to stop. */
    static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private NamespaceProcesses() {
    }

    /** The pids of the processes whose network namespace has one of these inode numbers. */
    static List<Long> in(Set<Long> namespaceInodes) {
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, NamespaceProcesses::isPid)) {
            for (Path process : processes) {
                Long inode = namespaceOf(process);
                if (inode != null && namespaceInodes.contains(inode)) {
                    found.add(Long.parseLong(process.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot list /proc to find processes in our namespaces: " + e);
        }
        return found;
    }

    /**
     * SIGKILLs every process in these namespaces (which this JVM holds, so their inode numbers
     * are theirs) and waits until none is left, at most {@code timeout}. Each is signalled
     * through a pidfd opened before its namespace is checked once more, so a pid reused meanwhile
     * is never hit.
     *
     * @return how many processes were killed
     */
    public static int killAll(Set<Long> namespaceInodes, Duration timeout) {
        return kill(namespaceInodes, pid -> namespaceInodes.contains(namespaceOf(PROC.resolve(Long.toString(pid)))),
                timeout).size();
    }

    /**
     * Like {@link #killAll} for namespaces this JVM does not hold (a dead run's): a process is
     * killed only if its namespace has the same inode and the same cookie as one of them.
     *
     * @return the pids killed
     */
    static List<Long> killVerified(Set<NamespaceIdentity> namespaces, Duration timeout) {
        Set<Long> inodes = new HashSet<>();
        namespaces.forEach(namespace -> inodes.add(namespace.inode()));
        return kill(inodes, pid -> NamespaceIdentity.of(PROC.resolve(Long.toString(pid)).resolve("ns/net"))
                .filter(namespaces::contains).isPresent(), timeout);
    }

    private static List<Long> kill(Set<Long> inodes, LongPredicate stillOurs, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<Long> killed = new LinkedHashSet<>();
        while (true) {
            List<Long> left = in(inodes);
            left.removeIf(pid -> !killed.contains(pid) && !killIfOurs(pid, stillOurs));
            if (left.isEmpty()) {
                return new ArrayList<>(killed);
            }
            killed.addAll(left);
            if (System.nanoTime() > deadline) {
                LOG.log(System.Logger.Level.WARNING, "processes still inside the topology's namespaces after "
                        + timeout.toMillis() + " ms: " + left);
                return new ArrayList<>(killed);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ArrayList<>(killed);
            }
        }
    }

    /**
     * Freezes every process in these namespaces (SIGSTOP), the test JVM itself excepted, looking
     * again until no new one turns up (a process may fork while the others are being stopped),
     * and returns once each of them is stopped (a signal takes effect when its process is next
     * scheduled: on a busy machine, later than the {@code kill}), or after {@link #STOP_WAIT}.
     *
     * @return how many processes were stopped
     */
    public static int stopAll(Set<Long> namespaceInodes) {
        Set<Long> stopped = new HashSet<>();
        for (int round = 0; round < 5; round++) {
            List<Long> found = in(namespaceInodes).stream().filter(pid -> pid != SELF && !stopped.contains(pid)).toList();
            if (found.isEmpty()) {
                break;
            }
            for (long pid : found) {
                signal(pid, Libc.SIGSTOP);
                stopped.add(pid);
            }
        }
        awaitStopped(stopped);
        return stopped.size();
    }

    /** Waits until none of {@code pids} is still running (stopped, a zombie, or gone), {@link #STOP_WAIT} at most. */
    public static void awaitStopped(Set<Long> pids) {
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        Set<Long> running = new HashSet<>(pids);
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            running.removeIf(pid -> {
                char state = state(pid);
                return state == 'T' || state == 't' || state == 'Z' || state == 'X' || state == '?';
            });
            if (!running.isEmpty()) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The state letter of {@code /proc/PID/stat} ({@code '?'} once the process is gone). */
    private static char state(long pid) {
        try {
            String[] fields = statFields(Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat")));
            return fields[0].isEmpty() ? '?' : fields[0].charAt(0);
        } catch (IOException | RuntimeException gone) {
            return '?';
        }
    }

    /**
     * The fields of a {@code /proc/PID/stat} line after the command, from field 3 (the state) on:
     * the command may hold spaces and parentheses, the last ')' ends it. Pure.
     */
    static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** Lets every process in these namespaces run again (SIGCONT), the test JVM itself excepted. */
    public static int continueAll(Set<Long> namespaceInodes) {
        List<Long> found = in(namespaceInodes).stream().filter(pid -> pid != SELF).toList();
        found.forEach(pid -> signal(pid, Libc.SIGCONT));
        return found.size();
    }

    /** Through a pidfd, as every signal of the library goes; a process gone since it was listed is skipped. */
    private static void signal(long pid, int signal) {
        ProcessHandle.of(pid).ifPresent(process -> Pidfds.signal(process, signal));
    }

    /**
     * Opens a pidfd on {@code pid}, checks it is ours, then signals through the pidfd: a signal
     * that arrives proves the process lived from the open to the signal, so the check was about
     * it and not about a process that reused its pid.
     */
    static boolean killIfOurs(long pid, LongPredicate stillOurs) {
        int pidfd;
        try {
            pidfd = Libc.pidfd_open(Math.toIntExact(pid));
        } catch (KernelException | ArithmeticException gone) {
            return false;
        }
        try {
            if (!stillOurs.test(pid)) {
                return false;
            }
            Libc.pidfd_send_signal(pidfd, Libc.SIGKILL);
            return true;
        } catch (KernelException exited) {
            return false;
        } finally {
            Libc.close(pidfd);
        }
    }

    private static boolean isPid(Path path) {
        String name = path.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    static Long namespaceOf(Path process) {
        try {
            String link = Files.readSymbolicLink(process.resolve("ns/net")).toString();
            // "net:[4026532281]"
            return Long.parseLong(link.substring(link.indexOf('[') + 1, link.length() - 1));
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }
}
