package dev.netns.internal.program;

import dev.netns.internal.system.Errno;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A child started by {@link Spawner}, seen as a {@link Process}. It is waited for through a
 * pidfd (readable once the child has exited) and reaped here, so its process id cannot be reused
 * before this object has its exit code; signals are sent only before that.
 */
final class SpawnedProcess extends Process {

    private final int pid;
    private int pidfd;
    private int waiters;
    private boolean reaped;
    private int exitCode;

    SpawnedProcess(int pid, int pidfd) {
        this.pid = pid;
        this.pidfd = pidfd;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        while (!waitFor(1, TimeUnit.HOURS)) {
            // a long wait is a loop of long waits
        }
        return exitValue();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        // saturated: a timeout of centuries must not wrap around into the past
        long now = System.nanoTime();
        long deadline = now + Math.min(unit.toNanos(timeout), Long.MAX_VALUE / 2);
        int fd;
        synchronized (this) {
            if (reaped || reapIfExited()) {
                return true;
            }
            fd = pidfd;
            waiters++;
        }
        try {
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                // short slices, so that an interrupt is noticed within 100 ms
                int slice = (int) Math.min(100, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                if (readable(fd, slice)) {
                    synchronized (this) {
                        return reaped || reapIfExited();
                    }
                }
            }
        } finally {
            synchronized (this) {
                waiters--;
                closePidfdWhenDone();
            }
        }
    }

    @Override
    public synchronized int exitValue() {
        if (!reaped && !reapIfExited()) {
            throw new IllegalThreadStateException("process " + pid + " has not exited");
        }
        return exitCode;
    }

    @Override
    public synchronized boolean isAlive() {
        return !reaped && !reapIfExited();
    }

    @Override
    public void destroy() {
        signal(Libc.SIGTERM);
    }

    @Override
    public Process destroyForcibly() {
        signal(Libc.SIGKILL);
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public ProcessHandle toHandle() {
        return handle().orElseThrow(() -> new IllegalStateException("process " + pid + " has exited"));
    }

    @Override
    public Stream<ProcessHandle> children() {
        return handle().map(ProcessHandle::children).orElseGet(Stream::empty);
    }

    @Override
    public Stream<ProcessHandle> descendants() {
        return handle().map(ProcessHandle::descendants).orElseGet(Stream::empty);
    }

    private synchronized Optional<ProcessHandle> handle() {
        return reaped ? Optional.empty() : ProcessHandle.of(pid);
    }

    /** Signals the child through its pidfd unless it was reaped (then the pidfd is closed). */
    private synchronized void signal(int signal) {
        if (!reaped && !reapIfExited() && pidfd >= 0) {
            try {
                Libc.pidfd_send_signal(pidfd, signal);
            } catch (KernelException gone) {
                // exited between the check and the signal: nothing to do
            }
        }
    }

    /** Collects the exit status if the child has exited; never blocks. Call with the lock held. */
    private boolean reapIfExited() {
        int[] status = new int[1];
        int result = Libc.waitpid(pid, status, Libc.WNOHANG);
        if (result == 0) {
            return false;
        }
        int code = status[0];
        int signal = code & 0x7f;
        // as java.lang.Process reports it: the exit code, or 128 + the signal that ended it
        exitCode = signal == 0 ? (code >>> 8) & 0xff : 0x80 + signal;
        reaped = true;
        closePidfdWhenDone();
        return true;
    }

    /** A waiter may still poll the pidfd: it is closed by the last one out. */
    private void closePidfdWhenDone() {
        if (reaped && waiters == 0 && pidfd >= 0) {
            Libc.close(pidfd);
            pidfd = -1;
        }
    }

    private static boolean readable(int fd, int timeoutMillis) {
        int[] pollfd = {fd, Libc.POLLIN};
        try {
            return Libc.poll(pollfd, 1, timeoutMillis) > 0;
        } catch (KernelException e) {
            if (e.errno() == Errno.EINTR) {
                return false;
            }
            throw e;
        }
    }
}
