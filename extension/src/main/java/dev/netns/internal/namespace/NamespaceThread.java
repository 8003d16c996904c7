package dev.netns.internal.namespace;

import dev.netns.NetnsException;
import dev.netns.internal.model.NamespaceSysctls;
import dev.netns.internal.netlink.NetlinkSocket;
import dev.netns.internal.netlink.RouteNetlink;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import dev.netns.internal.system.Sysctl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One fresh, anonymous network namespace and the dedicated platform thread that lives in it.
 *
 * <p>The thread calls {@code unshare(CLONE_NEWNET)} once and then runs the tasks handed to it: a
 * socket or process it creates belongs to this namespace. The namespace is held only by that
 * thread and by a file descriptor of this JVM, so the kernel frees it once the namespace is closed
 * (the descriptor goes to the {@link Graveyard}, which lets go of closed namespaces in batches),
 * or when the JVM dies, whatever the way.
 */
public final class NamespaceThread implements AutoCloseable {

    /** How long closing waits for user code running in {@code call()} before interrupting it, and again after. */
    static final Duration STOP_GRACE = Duration.ofSeconds(2);

    private static final System.Logger LOG = System.getLogger(NamespaceThread.class.getName());
    private static final FutureTask<Void> STOP = new FutureTask<>(() -> null);
    private static final String PING_GROUPS = IcmpPing.allGroups();

    private final BlockingQueue<FutureTask<?>> tasks = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile String realName;
    private FutureTask<Void> creation;
    private int namespaceFd = -1;
    private long inode;
    private NamespaceIdentity identity;
    private volatile long tid;
    private NetlinkSocket netlink;
    private volatile boolean closed;

    private NamespaceThread(String realName) {
        this.realName = realName;
        this.thread = new Thread(this::loop, realName);
        this.thread.setDaemon(true);
    }

    /**
     * Starts the thread and creates its namespace, waiting until it exists.
     *
     * @param realName unique name of the namespace on this machine; names the thread too
     * @throws KernelException when the kernel refuses a new namespace
     */
    public static NamespaceThread start(String realName) {
        return begin(realName, false).await();
    }

    /** Gives a pooled namespace the name of the topology that takes it. */
    void rename(String newName) {
        realName = newName;
        thread.setName(newName);
    }

    /**
     * Starts the thread, which creates its namespace (loopback up, IPv4 forwarding set as asked)
     * in the background; {@link #await()} waits
     * for it. Lets several namespaces be created at once, one per core.
     */
    static NamespaceThread begin(String realName, boolean forwarding) {
        NamespaceThread namespace = new NamespaceThread(realName);
        namespace.creation = new FutureTask<>(() -> {
            Libc.unshare(Libc.CLONE_NEWNET);
            namespace.namespaceFd = Libc.open("/proc/thread-self/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC);
            namespace.identity = NamespaceIdentity.ofCallingThread();
            namespace.inode = namespace.identity.inode();
            namespace.tid = ownTid();
            namespace.netlink = NetlinkSocket.open();
            new RouteNetlink(namespace.netlink).setUp("lo", true);
            for (NamespaceSysctls.Setting setting : NamespaceSysctls.atCreation(forwarding)) {
                if (setting.onlyWhere() == null || Sysctl.exists(setting.onlyWhere())) {
                    // the groups of this user namespace (all of them as real root)
                    Sysctl.set(setting.key(), setting.key().equals(NamespaceSysctls.PING_GROUP_RANGE) ? PING_GROUPS
                            : setting.value());
                }
            }
            return null;
        });
        namespace.tasks.add(namespace.creation);
        namespace.thread.start();
        return namespace;
    }

    /**
     * Waits until the namespace exists.
     *
     * @throws KernelException when the kernel refused it; the thread is then closed
     */
    public NamespaceThread await() {
        try {
            creation.get();
            return this;
        } catch (ExecutionException e) {
            close();
            if (e.getCause() instanceof KernelException error) {
                throw error.during("create network namespace " + realName);
            }
            throw new NetnsException("create network namespace " + realName + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new NetnsException("interrupted while creating network namespace " + realName, e);
        }
    }

    /** The unique name of this namespace on the machine. */
    public String realName() {
        return realName;
    }

    /**
     * A file naming the namespace while it is open, usable as {@code nsenter --net=PATH}: the
     * namespace file of its own thread ({@code /proc/PID/task/TID/ns/net}), which disappears
     * when the thread ends at close. Unlike a descriptor number, which the JVM soon gives to
     * something else (another topology's namespace, say), a thread id is handed out again only
     * after the kernel has cycled through every other pid.
     */
    public Path path() {
        if (closed) {
            throw closedError();
        }
        return Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "task", Long.toString(tid), "ns", "net");
    }

    /** The namespace's inode number, which identifies it machine-wide while it exists. */
    public long inode() {
        return inode;
    }

    /** The namespace's inode and cookie, which identify it even after it is gone. */
    public NamespaceIdentity identity() {
        return identity;
    }

    /** The kernel's id of the namespace's thread (for its {@code /proc/self/task/TID} entries). */
    public long tid() {
        return tid;
    }

    private static long ownTid() throws IOException {
        // "/proc/thread-self" links to "PID/task/TID"
        return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
    }

    /**
     * Names the namespace on the machine by bind-mounting it at {@code /run/netns/<realName>},
     * where {@code ip netns} finds it, so that it outlives this JVM.
     *
     * @return the file now naming it
     */
    public Path pin() {
        Path directory = Path.of("/run/netns");
        Path target = directory.resolve(realName);
        try {
            Files.createDirectories(directory);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                // a name collision or a planted link: never mount over (or through) what someone else put there
                throw new NetnsException("cannot keep namespace " + realName + ": " + target
                        + " exists already and is not ours; nothing was mounted");
            }
            Files.newByteChannel(target, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)).close();
            Libc.mount(path().toString(), target.toString(), null, Libc.MS_BIND, null);
            return target;
        } catch (KernelException e) {
            throw e.during("name namespace " + realName + " at " + target);
        } catch (IOException e) {
            throw new NetnsException("cannot keep namespace " + realName + ": cannot create " + target + ": "
                    + e, e);
        }
    }

    /** The file descriptor that holds the namespace, for handing it to the kernel. */
    public int fd() {
        return namespaceFd;
    }

    /**
     * Moves the calling thread into this namespace for good ({@code setns}): a thread made to live
     * here, not a borrowed or pooled one. Checked under the lock that closing takes, so the
     * descriptor still names this namespace when it is used.
     *
     * @throws NetnsException when the namespace is closed
     */
    public void enterForGood() {
        synchronized (tasks) {
            if (closed) {
                throw closedError();
            }
            try {
                Libc.setns(namespaceFd, Libc.CLONE_NEWNET);
            } catch (KernelException e) {
                throw e.during("enter network namespace " + realName);
            }
        }
    }

    /** Whether the namespace is closed (its topology torn down). */
    public boolean isClosed() {
        return closed;
    }

    /** Whether the calling thread is this namespace's own thread. */
    public boolean isCurrentThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code action} on the namespace's thread and waits for it. Called from that thread
     * itself, it runs at once (no deadlock).
     */
    public <T> T run(Callable<T> action) throws Exception {
        if (isCurrentThread()) {
            return action.call();
        }
        FutureTask<T> task = submit(action);
        try {
            return task.get();
        } catch (CancellationException e) {
            throw closedError();
        } catch (InterruptedException e) {
            throw interrupted(task, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /**
     * The caller of {@link #run} was interrupted: the action is interrupted too (or never starts),
     * and the namespace is free again before this returns, unless the action ignores interrupts
     * for longer than {@link #STOP_GRACE}. The caller's interrupt status is kept.
     */
    private NetnsException interrupted(FutureTask<?> task, InterruptedException cause) {
        task.cancel(true);
        boolean freed = false;
        try {
            freed = submit(() -> null).get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS) == null;
        } catch (InterruptedException again) {
            // interrupted twice: stop waiting
        } catch (ExecutionException | TimeoutException | CancellationException | NetnsException notFreed) {
            // closed meanwhile, or the action ignores interrupts
        }
        Thread.currentThread().interrupt();
        return new NetnsException("interrupted while waiting for code running in namespace " + realName + "; that code "
                + (freed ? "was interrupted too and has ended" : "was interrupted too but has not ended yet"), cause);
    }

    /**
     * Queues {@code action} for the namespace's thread and returns at once. Not for use from the
     * namespace's own thread, which would wait for itself.
     */
    public <T> FutureTask<T> submit(Callable<T> action) {
        FutureTask<T> task = new FutureTask<>(action);
        // under the lock that closing takes too: a task is either queued before the stop, and run or
        // cancelled by the thread, or refused; never left in a queue nobody reads
        synchronized (tasks) {
            if (closed) {
                throw closedError();
            }
            tasks.add(task);
        }
        return task;
    }

    private NetnsException closedError() {
        return new NetnsException("namespace " + realName + " is closed: its topology was torn down "
                + "(handles of a topology are valid only while it runs)");
    }

    /** Like {@link #run} for kernel work that throws only unchecked exceptions. */
    public <T> T runUnchecked(Callable<T> action) {
        try {
            return run(action);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new NetnsException("namespace " + realName + ": " + e, e);
        }
    }

    /** The rtnetlink requests of this namespace; to be used on its own thread only. */
    public RouteNetlink routeNetlink() {
        return new RouteNetlink(netlink);
    }

    /** The netlink socket of this namespace; to be used on its own thread only. */
    public NetlinkSocket netlinkSocket() {
        return netlink;
    }

    /**
     * Ends the thread, which hands the namespace's descriptor to the {@link Graveyard}. Safe to call
     * more than once. The kernel frees the namespace and its interfaces once nothing holds it.
     */
    @Override
    public void close() {
        requestStop();
        awaitStop();
    }

    /** Asks the thread to end once its current task is done, without waiting; see {@link #awaitStop()}. */
    public void requestStop() {
        synchronized (tasks) {
            if (!closed) {
                closed = true;
                tasks.add(STOP);
            }
        }
    }

    /**
     * Waits until the thread has ended and released the namespace (at once on the thread itself).
     * A thread still busy with user code from {@code call()} after {@link #STOP_GRACE} is
     * interrupted; if that does not end it either, this returns anyway and logs why: the kernel
     * frees the namespace when that code returns.
     */
    public void awaitStop() {
        if (isCurrentThread()) {
            return;
        }
        boolean interrupted = false;
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        boolean nudged = false;
        while (thread.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (nudged) {
                    LOG.log(System.Logger.Level.WARNING, "namespace " + realName + " is still running code handed to "
                            + "call() and ignores interrupts; it is released when that code returns:\n"
                            + stackOf(thread));
                    break;
                }
                thread.interrupt();
                nudged = true;
                deadline = System.nanoTime() + STOP_GRACE.toNanos();
                continue;
            }
            try {
                thread.join(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static String stackOf(Thread thread) {
        StringBuilder text = new StringBuilder();
        for (StackTraceElement frame : thread.getStackTrace()) {
            text.append("    at ").append(frame).append('\n');
        }
        return text.toString();
    }

    private void loop() {
        try {
            while (true) {
                FutureTask<?> task = tasks.take();
                if (task == STOP) {
                    return;
                }
                task.run();
                // an interrupt meant for that task (cancel(true)) must not end the loop
                Thread.interrupted();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (netlink != null) {
                netlink.close();
            }
            if (namespaceFd >= 0) {
                Graveyard.bury(namespaceFd);
            }
            FutureTask<?> pending;
            while ((pending = tasks.poll()) != null) {
                pending.cancel(false);
            }
        }
    }
}
