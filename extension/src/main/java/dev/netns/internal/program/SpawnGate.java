package dev.netns.internal.program;

import dev.netns.internal.namespace.Reaper;
import dev.netns.internal.namespace.TopologyCgroup;
import dev.netns.internal.system.Errno;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Puts a program into its topology's cgroup before it runs a single instruction of its own.
 * {@code posix_spawn} cannot choose a cgroup, so the child's first file action opens a FIFO of
 * ours, which blocks until someone opens the FIFO for writing; while the spawning thread waits
 * in {@code posix_spawn} (the child shares its memory until it execs), a helper thread finds the
 * new child among the spawning thread's children, writes it into the cgroup, and only then
 * opens the FIFO, which lets the child go on to its program. Nothing the program does, not even
 * a fork in its first microsecond, happens outside the cgroup. If the cgroup refuses it (the
 * topology is closing), the helper kills the child while it still waits.
 */
final class SpawnGate {

    /** How long the helper looks for the child, and tries to let it go. */
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final ExecutorService HELPERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(() -> {
            leaveTheNamespace();
            task.run();
        }, "netns-spawn-gate");
        thread.setDaemon(true);
        return thread;
    });

    private final Path fifo;
    private final TopologyCgroup cgroup;
    private final long spawningTid;
    private final Set<Long> childrenBefore;
    private volatile boolean spawnReturned;
    private Future<Outcome> helper;

    /** What the helper did: the child it found (or -1), and why it could not contain it (or null). */
    record Outcome(long pid, String problem) {
    }

    private SpawnGate(Path fifo, TopologyCgroup cgroup, long spawningTid) throws IOException {
        this.fifo = fifo;
        this.cgroup = cgroup;
        this.spawningTid = spawningTid;
        this.childrenBefore = children(spawningTid);
    }

    /**
     * A gate for one spawn from the calling thread (whose kernel id is {@code spawningTid}), into
     * {@code cgroup}: a new FIFO in the run's private folder.
     */
    static SpawnGate create(TopologyCgroup cgroup, long spawningTid) throws IOException {
        Path folder = Reaper.get().privateFolder()
                .orElseThrow(() -> new IOException("this run has no private folder for its spawn gates"));
        Path fifo = folder.resolve("gate-" + UUID.randomUUID());
        try {
            Libc.mkfifo(fifo.toString(), 0600);
        } catch (KernelException e) {
            throw new IOException("cannot make a spawn gate " + fifo + ": " + Libc.describe(e.errno()), e);
        }
        return new SpawnGate(fifo, cgroup, spawningTid);
    }

    /** The FIFO the child must open first (its standard input, replaced by the next file action). */
    String path() {
        return fifo.toString();
    }

    /** Starts the helper; call just before {@code posix_spawn}. */
    void open() {
        helper = HELPERS.submit(this::containAndRelease);
    }

    /** Call once {@code posix_spawn} has returned: waits for the helper and removes the FIFO. */
    Outcome close() {
        spawnReturned = true;
        try {
            return helper.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(-1, "interrupted");
        } catch (ExecutionException e) {
            return new Outcome(-1, String.valueOf(e.getCause()));
        } finally {
            try {
                Files.deleteIfExists(fifo);
            } catch (IOException ignored) {
                // the watchdog removes the private folder with the run
            }
        }
    }

    private Outcome containAndRelease() {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        long child = -1;
        for (int attempt = 0; child < 0 && !spawnReturned && System.nanoTime() < deadline; attempt++) {
            child = newChild();
            if (child < 0) {
                // the child appears within microseconds: spin first, sleep only if it is late
                if (attempt < 200) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(20_000);
                }
            }
        }
        String problem = null;
        if (child < 0) {
            problem = "the new process was not found among the children of its thread";
        } else {
            try {
                cgroup.add(child);
            } catch (IOException e) {
                problem = "it could not be put in its topology's cgroup (" + e.getMessage() + ")";
                killWaitingChild(child);
            }
        }
        release(deadline);
        return new Outcome(child, problem);
    }

    /** The child still waits in the gate: it dies there, before its program runs. */
    private static void killWaitingChild(long child) {
        try {
            int pidfd = Libc.pidfd_open(Math.toIntExact(child));
            try {
                Libc.pidfd_send_signal(pidfd, Libc.SIGKILL);
            } finally {
                Libc.close(pidfd);
            }
        } catch (KernelException gone) {
            // it died already
        }
    }

    /** Opens the FIFO for writing (which lets the waiting child go) and closes it again. */
    private void release(long deadline) {
        while (System.nanoTime() < deadline) {
            try {
                Libc.close(Libc.open(fifo.toString(), Libc.O_WRONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC));
                return;
            } catch (KernelException e) {
                if (e.errno() != Errno.ENXIO || spawnReturned) {
                    // nobody will ever wait in it: the spawn failed before the child opened it
                    return;
                }
                Thread.onSpinWait();
            }
        }
    }

    private long newChild() {
        try {
            for (long pid : children(spawningTid)) {
                if (!childrenBefore.contains(pid)) {
                    return pid;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** The children of one thread of this JVM ({@code /proc/self/task/TID/children}). */
    private static Set<Long> children(long tid) throws IOException {
        Set<Long> children = new HashSet<>();
        String text = Files.readString(Path.of("/proc/self/task", Long.toString(tid), "children"));
        for (String pid : text.trim().split("\\s+")) {
            if (!pid.isEmpty()) {
                children.add(Long.parseLong(pid));
            }
        }
        return children;
    }

    /**
     * A helper thread is born in the namespace of the thread that needed it first: it moves to
     * the JVM's own network namespace, so it never keeps a closed topology's namespace alive.
     */
    private static void leaveTheNamespace() {
        try {
            int fd = Libc.open("/proc/self/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC);
            try {
                Libc.setns(fd, Libc.CLONE_NEWNET);
            } finally {
                Libc.close(fd);
            }
        } catch (KernelException e) {
            // it then lives where it was born; it only writes to cgroup files
        }
    }
}
