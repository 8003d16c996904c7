package dev.netns.internal.program;

import com.sun.jna.Memory;
import com.sun.jna.StringArray;
import dev.netns.internal.namespace.Reaper;
import dev.netns.internal.namespace.TopologyCgroup;
import dev.netns.internal.namespace.TopologyPidNamespace;
import dev.netns.internal.system.Errno;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import dev.netns.internal.system.PosixSpawn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Starts a program with {@code posix_spawnp}: one {@code clone} and one {@code exec}, where
 * {@link ProcessBuilder} on Linux starts a helper that then starts the program (about 0.6 ms
 * against 1.2 ms here). The child gets standard input from {@code /dev/null} or a file, appends
 * its output to the given files, and keeps no other descriptor of the JVM. Called on the
 * namespace's thread, whose network (and mount) namespace the child is born in; where the
 * topology has a PID namespace, the spawn happens on a thread made by the namespace's thread for
 * that spawn alone, which enters the PID namespace first (a thread that entered it can start no
 * thread, and rootless cannot come back), so the child is born there too. Bytes for standard
 * input then go through a private file, since a pipe the JVM writes to would need
 * {@link ProcessBuilder}, which cannot start a child there.
 */
final class Spawner {

    /** Large enough for glibc's {@code posix_spawn_file_actions_t} (80 bytes) and {@code posix_spawnattr_t} (336). */
    private static final int OPAQUE_SIZE = 1024;
    /** A {@code sigset_t}: 1024 bits. */
    private static final int SIGSET_SIZE = 128;

    private static final boolean AVAILABLE = probe();

    private Spawner() {
    }

    /** Whether this machine can spawn this way (glibc 2.34+ for closefrom, Linux 5.3+ for pidfd). */
    static boolean available() {
        return AVAILABLE;
    }

    /**
     * Starts {@code spec}'s program.
     *
     * @throws IOException as {@link ProcessBuilder#start()} would, e.g. when the program is not found
     */
    static SpawnedProcess start(CommandSpec spec, OutputFile stdout, OutputFile stderr, TopologyCgroup cgroup,
            long spawningTid, TopologyPidNamespace pids) throws IOException {
        Path inputCopy = spec.inputBytes() == null ? null : copyOfInput(spec.inputBytes());
        try {
            return pids == null ? start(spec, inputCopy, stdout, stderr, cgroup, spawningTid, null)
                    : onThreadOfItsOwn(() -> start(spec, inputCopy, stdout, stderr, cgroup, ownTid(), pids));
        } finally {
            if (inputCopy != null) {
                // the child opened it before its program ran (posix_spawn returns after the exec)
                Files.deleteIfExists(inputCopy);
            }
        }
    }

    /** A spawn that may fail as {@link ProcessBuilder#start()} does. */
    private interface Spawn {
        SpawnedProcess run() throws IOException;
    }

    /**
     * Runs {@code spawn} on a new thread, born in the calling thread's network namespace, and
     * waits for it (a spawn takes a millisecond: an interrupt is kept for later).
     */
    private static SpawnedProcess onThreadOfItsOwn(Spawn spawn) throws IOException {
        Object[] outcome = new Object[1];
        Thread thread = new Thread(() -> {
            try {
                outcome[0] = spawn.run();
            } catch (IOException | RuntimeException | Error e) {
                outcome[0] = e;
            }
        }, "netns-spawn");
        thread.setDaemon(true);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (outcome[0] instanceof SpawnedProcess process) {
            return process;
        }
        if (outcome[0] instanceof IOException e) {
            throw e;
        }
        if (outcome[0] instanceof RuntimeException e) {
            throw e;
        }
        throw (Error) outcome[0];
    }

    private static long ownTid() throws IOException {
        // "/proc/thread-self" links to "PID/task/TID"
        return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
    }

    private static SpawnedProcess start(CommandSpec spec, Path inputCopy, OutputFile stdout, OutputFile stderr,
            TopologyCgroup cgroup, long spawningTid, TopologyPidNamespace pids) throws IOException {
        SpawnGate gate = cgroup == null ? null : SpawnGate.create(cgroup, spawningTid);
        Memory actions = new Memory(OPAQUE_SIZE);
        Memory attributes = new Memory(OPAQUE_SIZE);
        Memory noSignalsBlocked = new Memory(SIGSET_SIZE);
        noSignalsBlocked.clear();
        check(PosixSpawn.posix_spawn_file_actions_init(actions), spec);
        try {
            check(PosixSpawn.posix_spawnattr_init(attributes), spec);
            try {
                // the JVM's threads block some signals; the program starts with none blocked
                check(PosixSpawn.posix_spawnattr_setsigmask(attributes, noSignalsBlocked), spec);
                check(PosixSpawn.posix_spawnattr_setflags(attributes, PosixSpawn.POSIX_SPAWN_SETSIGMASK), spec);
                // the output pipes first (they are named by the JVM's descriptors), then nothing else of the JVM's
                // (sockets, namespace descriptors, the watchdog's pipe) stays in the child, also while it waits
                // at the gate: a child holding the watchdog's pipe when the JVM died would keep the watchdog
                // from noticing the death, and so from cleaning up
                check(PosixSpawn.posix_spawn_file_actions_addopen(actions, 1, stdout.appendPath(),
                        Libc.O_WRONLY | Libc.O_APPEND, 0), spec);
                check(PosixSpawn.posix_spawn_file_actions_addopen(actions, 2, stderr.appendPath(),
                        Libc.O_WRONLY | Libc.O_APPEND, 0), spec);
                check(PosixSpawn.posix_spawn_file_actions_addclosefrom_np(actions, 3), spec);
                if (gate != null) {
                    // waits here, before anything of the program runs, until it is in the topology's cgroup
                    check(PosixSpawn.posix_spawn_file_actions_addopen(actions, 0, gate.path(), Libc.O_RDONLY, 0), spec);
                }
                String input = inputCopy != null ? inputCopy.toString()
                        : spec.inputFile() != null ? spec.inputFile().toString() : "/dev/null";
                check(PosixSpawn.posix_spawn_file_actions_addopen(actions, 0, input, Libc.O_RDONLY, 0), spec);
                if (spec.directory() != null) {
                    check(PosixSpawn.posix_spawn_file_actions_addchdir_np(actions, spec.directory().toString()), spec);
                }
                int[] pid = new int[1];
                StringArray argv = new StringArray(spec.argv().toArray(String[]::new));
                StringArray environment = new StringArray(environment(spec));
                if (gate != null) {
                    // before entering the PID namespace: the gate starts a helper thread
                    gate.open();
                }
                int error;
                IOException refused = null;
                try {
                    if (pids != null) {
                        pids.enter();
                    }
                    // from here on this thread can start no thread (the kernel would refuse it)
                    error = PosixSpawn.posix_spawnp(pid, spec.argv().get(0), actions, attributes, argv, environment);
                } catch (IOException closing) {
                    refused = closing;
                    error = -1;
                }
                if (refused != null) {
                    if (gate != null) {
                        gate.close();
                    }
                    throw new IOException("Cannot run program \"" + spec.argv().get(0) + "\": " + refused.getMessage(),
                            refused);
                }
                if (gate != null) {
                    SpawnGate.Outcome outcome = gate.close();
                    if (error == 0 && (outcome.problem() != null || outcome.pid() != pid[0])) {
                        // a failed spawn was reaped by the C library already; this one was not
                        discard(pid[0]);
                        throw new IOException("Cannot run program \"" + spec.argv().get(0) + "\": "
                                + (outcome.problem() != null ? outcome.problem() : "another process passed its gate"));
                    }
                }
                if (error == Errno.ENOMEM && pids != null && pids.isKilled()) {
                    // the kernel refuses forks into a PID namespace whose init is gone
                    throw new IOException("Cannot run program \"" + spec.argv().get(0) + "\": the topology is closed");
                }
                if (error != 0) {
                    throw new IOException("Cannot run program \"" + spec.argv().get(0) + "\""
                            + (spec.directory() != null ? " (in directory \"" + spec.directory() + "\")" : "")
                            + ": error=" + error + ", " + Libc.strerror(error));
                }
                return new SpawnedProcess(pid[0], pidfd(pid[0]));
            } finally {
                PosixSpawn.posix_spawnattr_destroy(attributes);
            }
        } finally {
            PosixSpawn.posix_spawn_file_actions_destroy(actions);
        }
    }

    /** A private copy of the bytes for standard input, readable by this user only. */
    private static Path copyOfInput(byte[] bytes) throws IOException {
        FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
        Optional<Path> folder = Reaper.get().privateFolder();
        // without a run folder (no journal could be kept), the temporary folder: deleted as soon as the child has it open
        Path file = folder.isPresent() ? Files.createFile(folder.get().resolve("input-" + UUID.randomUUID()), ownerOnly)
                : Files.createTempFile("netns-junit-input-", "", ownerOnly);
        Files.write(file, bytes, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        return file;
    }

    /** Kills and reaps a child that must not run (it never got past its gate, or is already dead). */
    private static void discard(int pid) {
        if (pid <= 0) {
            return;
        }
        try {
            // not yet reaped, so the pid is still this child's
            Libc.kill(pid, Libc.SIGKILL);
        } catch (KernelException gone) {
            // exited already
        }
        try {
            Libc.waitpid(pid, new int[1], 0);
        } catch (KernelException alreadyReaped) {
            // nothing left
        }
    }

    private static int pidfd(int pid) {
        try {
            return Libc.pidfd_open(pid);
        } catch (KernelException e) {
            // cannot happen after a successful probe; the child must not be left unwatched
            Libc.kill(pid, Libc.SIGKILL);
            Libc.waitpid(pid, new int[1], 0);
            throw e;
        }
    }

    /** The JVM's environment with the command's changes (a null value removes the variable). */
    private static String[] environment(CommandSpec spec) {
        Map<String, String> environment = new TreeMap<>(System.getenv());
        spec.applyEnvironmentTo(environment);
        List<String> entries = new ArrayList<>(environment.size());
        environment.forEach((name, value) -> entries.add(name + "=" + value));
        return entries.toArray(String[]::new);
    }

    private static void check(int error, CommandSpec spec) throws IOException {
        if (error != 0) {
            throw new IOException("cannot prepare the start of '" + spec.display() + "': " + Libc.strerror(error));
        }
    }

    /**
     * Whether glibc has every function used here and the kernel has pidfds; if not, programs start
     * through {@link ProcessBuilder}. Set {@code netns.spawn=processbuilder} to choose that anyway.
     */
    private static boolean probe() {
        if ("processbuilder".equals(System.getProperty("netns.spawn"))) {
            return false;
        }
        try {
            Memory actions = new Memory(OPAQUE_SIZE);
            PosixSpawn.posix_spawn_file_actions_init(actions);
            PosixSpawn.posix_spawn_file_actions_destroy(actions);
            Libc.close(Libc.pidfd_open(Math.toIntExact(ProcessHandle.current().pid())));
            return true;
        } catch (RuntimeException | LinkageError unavailable) {
            return false;
        }
    }
}
