package dev.netns.internal.namespace;

import com.sun.jna.Memory;
import com.sun.jna.StringArray;
import dev.netns.internal.system.Errno;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import dev.netns.internal.system.PosixSpawn;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The PID namespace of one topology, for runs without a cgroup (rootless): every program the
 * topology starts is born in it, and so is everything those programs start, and nothing can
 * leave a PID namespace, whatever it does with network namespaces, forks or races. Its first
 * process is a small init of ours (pid 1 there, adopting orphans and reaping them); killing it
 * makes the kernel kill every process of the namespace, and of namespaces nested in it, and
 * refuse every later fork into it ({@code ENOMEM}), so a program started while the topology
 * closes fails instead of escaping.
 *
 * <p>The init also ends by itself when this JVM dies, however it dies: its standard input is a
 * pipe whose only writing end this JVM holds, and it exits when that pipe reports its end.
 *
 * <p>A thread whose "PID namespace for children" is not its process's own cannot start threads
 * (the kernel refuses {@code clone(CLONE_THREAD)} with {@code EINVAL}), and rootless it can never
 * go back ({@code setns} into the JVM's own PID namespace needs {@code CAP_SYS_ADMIN} over the
 * machine's user namespace: {@code EPERM}). So only short-lived threads made for one spawn
 * {@link #enter} it, and the namespace itself is made on a short-lived thread of its own.
 */
public final class TopologyPidNamespace {

    private static final System.Logger LOG = System.getLogger(TopologyPidNamespace.class.getName());
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final int SIGSET_SIZE = 128;
    private static final int OPAQUE_SIZE = 1024;

    /**
     * The init: ignores every signal it may be sent from inside (they could otherwise end it
     * early), reaps orphans (bash waits for any child on {@code SIGCHLD}), and exits at the end
     * of its standard input, the JVM's pipe.
     */
    static final String INIT_SCRIPT = "trap '' HUP INT QUIT TERM USR1 USR2 ALRM PIPE TSTP TTIN TTOU; "
            + "while read -r _; do :; done";

    private final int initPid;
    private final PidNamespaceInit identity;
    private int initPidfd;
    private int namespaceFd;
    private int lifeline;
    private boolean killed;

    private TopologyPidNamespace(int initPid, int initPidfd, int namespaceFd, int lifeline, PidNamespaceInit identity) {
        this.initPid = initPid;
        this.initPidfd = initPidfd;
        this.namespaceFd = namespaceFd;
        this.lifeline = lifeline;
        this.identity = identity;
    }

    /**
     * A new PID namespace with its init running.
     *
     * @throws IOException when the kernel refuses one, or the init ({@code bash}) cannot start
     */
    public static TopologyPidNamespace create() throws IOException {
        AtomicReference<Object> made = new AtomicReference<>();
        // a thread of its own, which ends after the spawn: it could not start a thread any more
        Thread maker = HomeNamespace.thread(() -> {
            try {
                made.set(make());
            } catch (IOException | RuntimeException e) {
                made.set(e);
            }
        }, "netns-pid-namespace");
        maker.start();
        boolean interrupted = false;
        while (true) {
            try {
                maker.join();
                break;
            } catch (InterruptedException e) {
                // it takes a millisecond; what it makes must not be lost
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Object result = made.get();
        if (result instanceof TopologyPidNamespace namespace) {
            return namespace;
        }
        if (result instanceof KernelException e) {
            throw new IOException("cannot make a PID namespace: " + e.getMessage(), e);
        }
        if (result instanceof IOException e) {
            throw e;
        }
        throw new IOException("cannot make a PID namespace: " + result, (Throwable) result);
    }

    private static TopologyPidNamespace make() throws IOException {
        Libc.unshare(Libc.CLONE_NEWPID);
        int[] pipe = new int[2];
        Libc.pipe2(pipe, Libc.O_CLOEXEC);
        int pid;
        try {
            pid = spawnInit(pipe[0]);
        } catch (IOException | RuntimeException e) {
            Libc.close(pipe[1]);
            throw e;
        } finally {
            Libc.close(pipe[0]);
        }
        try {
            int pidfd = Libc.pidfd_open(pid);
            // not reaped yet, so the pid is still the init's
            int namespace = Libc.open("/proc/" + pid + "/ns/pid", Libc.O_RDONLY | Libc.O_CLOEXEC);
            PidNamespaceInit identity = PidNamespaceInit.of(pid)
                    .orElseThrow(() -> new IOException("the init of a new PID namespace ended at once"));
            return new TopologyPidNamespace(pid, pidfd, namespace, pipe[1], identity);
        } catch (IOException | RuntimeException e) {
            Libc.close(pipe[1]);
            try {
                Libc.kill(pid, Libc.SIGKILL);
                Libc.waitpid(pid, new int[1], 0);
            } catch (KernelException gone) {
                // nothing left
            }
            throw e;
        }
    }

    /** Starts the init, the first process (pid 1) of the calling thread's new PID namespace. */
    private static int spawnInit(int input) throws IOException {
        Memory actions = new Memory(OPAQUE_SIZE);
        Memory attributes = new Memory(OPAQUE_SIZE);
        Memory noSignalsBlocked = new Memory(SIGSET_SIZE);
        noSignalsBlocked.clear();
        check(PosixSpawn.posix_spawn_file_actions_init(actions));
        try {
            check(PosixSpawn.posix_spawnattr_init(attributes));
            try {
                check(PosixSpawn.posix_spawnattr_setsigmask(attributes, noSignalsBlocked));
                check(PosixSpawn.posix_spawnattr_setflags(attributes, PosixSpawn.POSIX_SPAWN_SETSIGMASK));
                check(PosixSpawn.posix_spawn_file_actions_adddup2(actions, input, 0));
                check(PosixSpawn.posix_spawn_file_actions_addopen(actions, 1, "/dev/null", Libc.O_WRONLY, 0));
                check(PosixSpawn.posix_spawn_file_actions_addopen(actions, 2, "/dev/null", Libc.O_WRONLY, 0));
                check(PosixSpawn.posix_spawn_file_actions_addclosefrom_np(actions, 3));
                int[] pid = new int[1];
                StringArray argv = new StringArray(new String[] {"netns-junit-init", "-c", INIT_SCRIPT});
                StringArray environment = new StringArray(new String[] {"PATH=/usr/bin:/bin"});
                int error = PosixSpawn.posix_spawnp(pid, "bash", actions, attributes, argv, environment);
                if (error != 0) {
                    throw new IOException("cannot start the init of a PID namespace (bash): " + Libc.strerror(error));
                }
                return pid[0];
            } finally {
                PosixSpawn.posix_spawnattr_destroy(attributes);
            }
        } finally {
            PosixSpawn.posix_spawn_file_actions_destroy(actions);
        }
    }

    private static void check(int error) throws IOException {
        if (error != 0) {
            throw new IOException("cannot prepare the init of a PID namespace: " + Libc.strerror(error));
        }
    }

    /** Who the init is, for the run journal. */
    public PidNamespaceInit init() {
        return identity;
    }

    /**
     * Makes the calling thread's children be born in this namespace, for good: the calling
     * thread can start no thread afterwards, so it must be one made for this spawn alone.
     *
     * @throws IOException when the topology is closing (its namespace killed)
     */
    public synchronized void enter() throws IOException {
        if (killed) {
            throw new IOException("the topology is closed");
        }
        try {
            Libc.setns(namespaceFd, Libc.CLONE_NEWPID);
        } catch (KernelException e) {
            throw new IOException("cannot enter the topology's PID namespace: " + e.getMessage(), e);
        }
    }

    /** Whether {@link #kill()} was called: the topology is closing. */
    public synchronized boolean isKilled() {
        return killed;
    }

    /**
     * Kills the init, and so every process of the namespace (the kernel does it, whatever they
     * did), and refuses every later {@link #enter}. Returns at once: processes this JVM started
     * stay zombies until it reaps them, and the init waits for that; see {@link #awaitEnd()}.
     * Safe to call twice. It does not count them: that would cost a walk through {@code /proc}
     * (about 3 ms here), and the programs still running are counted as they are reaped.
     */
    public synchronized void kill() {
        if (killed) {
            return;
        }
        killed = true;
        try {
            Libc.pidfd_send_signal(initPidfd, Libc.SIGKILL);
        } catch (KernelException gone) {
            // it ended already (a stopped or killed init): so did its namespace
        }
        Libc.close(lifeline);
        lifeline = -1;
    }

    /** This JVM's descriptor of the namespace, for the watchdog to open; valid until {@link #release()}. */
    public synchronized int fd() {
        return namespaceFd;
    }

    /** Closes this JVM's descriptor of the namespace, once the watchdog let go of it. */
    public synchronized void release() {
        if (namespaceFd >= 0) {
            Libc.close(namespaceFd);
            namespaceFd = -1;
        }
    }

    /**
     * Waits until the init has ended, which the kernel allows only once every process of the
     * namespace is gone, and reaps it. After {@link #kill()} and after this JVM reaped its own
     * children.
     *
     * @return whether everything of the namespace is gone (false after 5 s)
     */
    public boolean awaitEnd() {
        int pidfd;
        synchronized (this) {
            pidfd = initPidfd;
            if (pidfd < 0) {
                return true;
            }
        }
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        boolean ended = false;
        while (!ended && System.nanoTime() < deadline) {
            int[] pollfd = {pidfd, Libc.POLLIN};
            try {
                ended = Libc.poll(pollfd, 1, 100) > 0;
            } catch (KernelException e) {
                if (e.errno() != Errno.EINTR) {
                    break;
                }
            }
        }
        synchronized (this) {
            if (initPidfd < 0) {
                return true;
            }
            if (ended) {
                Libc.waitpid(initPid, new int[1], 0);
                Libc.close(initPidfd);
                initPidfd = -1;
                return true;
            }
        }
        LOG.log(System.Logger.Level.WARNING, "the PID namespace of a topology (init " + initPid + ") still holds "
                + "processes 5 s after its init was killed; it is reaped when they are");
        HomeNamespace.thread(this::reapLater, "netns-pid-namespace-reaper").start();
        return false;
    }

    private void reapLater() {
        try {
            Libc.waitpid(initPid, new int[1], 0);
        } catch (KernelException gone) {
            // reaped meanwhile
        }
        synchronized (this) {
            if (initPidfd >= 0) {
                Libc.close(initPidfd);
                initPidfd = -1;
            }
        }
    }
}
