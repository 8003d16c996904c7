package dev.netns.internal.program;

import com.sun.jna.Memory;
import com.sun.jna.StringArray;
import dev.netns.internal.namespace.TopologyCgroup;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import dev.netns.internal.system.PosixSpawn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Starts a program with {@code posix_spawnp}: one {@code clone} and one {@code exec}, where
 * {@link ProcessBuilder} on Linux starts a helper that then starts the program (about 0.6 ms
 * against 1.2 ms here). The child gets standard input from {@code /dev/null} or a file, appends
 * its output to the given files, and keeps no other descriptor of the JVM. Called on the
 * namespace's thread, whose network (and mount) namespace the child is born in.
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
            long spawningTid) throws IOException {
        return start(spec, stdout, stderr, cgroup, spawningTid, -1);
    }

    /**
     * Starts {@code spec}'s program with standard input from {@code inputPipe} (the read end of a
     * pipe of the JVM's, which the caller closes after the start), or as {@link #start} when it
     * is -1.
     */
    static SpawnedProcess start(CommandSpec spec, OutputFile stdout, OutputFile stderr, TopologyCgroup cgroup,
            long spawningTid, int inputPipe) throws IOException {
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
                if (inputPipe >= 0) {
                    // kept as 3 past the closing and the gate, then made standard input
                    check(PosixSpawn.posix_spawn_file_actions_adddup2(actions, inputPipe, 3), spec);
                }
                check(PosixSpawn.posix_spawn_file_actions_addclosefrom_np(actions, inputPipe >= 0 ? 4 : 3), spec);
                if (gate != null) {
                    // waits here, before anything of the program runs, until it is in the topology's cgroup
                    check(PosixSpawn.posix_spawn_file_actions_addopen(actions, 0, gate.path(), Libc.O_RDONLY, 0), spec);
                }
                if (inputPipe >= 0) {
                    check(PosixSpawn.posix_spawn_file_actions_adddup2(actions, 3, 0), spec);
                    check(PosixSpawn.posix_spawn_file_actions_addclose(actions, 3), spec);
                } else {
                    String input = spec.inputFile() != null ? spec.inputFile().toString() : "/dev/null";
                    check(PosixSpawn.posix_spawn_file_actions_addopen(actions, 0, input, Libc.O_RDONLY, 0), spec);
                }
                if (spec.directory() != null) {
                    check(PosixSpawn.posix_spawn_file_actions_addchdir_np(actions, spec.directory().toString()), spec);
                }
                int[] pid = new int[1];
                StringArray argv = new StringArray(spec.argv().toArray(String[]::new));
                StringArray environment = new StringArray(environment(spec));
                if (gate != null) {
                    gate.open();
                }
                int error = PosixSpawn.posix_spawnp(pid, spec.argv().get(0), actions, attributes, argv, environment);
                if (gate != null) {
                    SpawnGate.Outcome outcome = gate.close();
                    if (error == 0 && (outcome.problem() != null || outcome.pid() != pid[0])) {
                        // a failed spawn was reaped by the C library already; this one was not
                        discard(pid[0]);
                        throw new IOException("Cannot run program \"" + spec.argv().get(0) + "\": "
                                + (outcome.problem() != null ? outcome.problem() : "another process passed its gate"));
                    }
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
