package dev.netns.internal.program;

import dev.netns.ExecResult;
import dev.netns.NetnsException;
import dev.netns.Program;
import dev.netns.internal.model.Timeouts;
import dev.netns.internal.namespace.NamespaceThread;
import dev.netns.internal.system.Libc;
import dev.netns.internal.system.Pidfds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** A {@link Program}: a child process of this JVM born inside a namespace, and its two output files. */
public final class RunningProgram implements Program {

    private static final Duration POLL = Duration.ofMillis(10);

    private final CommandSpec spec;
    private final String namespace;
    private final NamespaceThread thread;
    private final Process process;
    private final OutputFile stdout;
    private final OutputFile stderr;
    private final Runnable onFinish;
    private final ProgramRunner runner;
    private ExecResult result;
    private volatile boolean paused;
    private IntConsumer whenFinished;

    RunningProgram(CommandSpec spec, String namespace, NamespaceThread thread, Process process, OutputFile stdout,
            OutputFile stderr, Runnable onFinish, ProgramRunner runner) {
        this.runner = runner;
        this.spec = spec;
        this.namespace = namespace;
        this.thread = thread;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.onFinish = onFinish;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public String stdout() {
        return stdout.text();
    }

    @Override
    public String stderr() {
        return stderr.text();
    }

    /** A short name that stays the same across restarts and runs: the program's name and its namespace. */
    public String label() {
        String program = spec.argv().get(0);
        return program.substring(program.lastIndexOf('/') + 1) + " in " + namespace;
    }

    /** The argv, for reports. */
    List<String> command() {
        return spec.argv();
    }

    @Override
    public Program awaitPort(int port, Duration timeout) {
        if (port < 1 || port > 65535) {
            throw new NetnsException(describe() + ": awaitPort(" + port + "): a TCP port is 1 to 65535");
        }
        await("listen on TCP port " + port + " in namespace '" + namespace + "'", timeout, () -> listens(port));
        return this;
    }

    @Override
    public Program awaitOutput(String text, Duration timeout) {
        if (text == null) {
            throw new NetnsException(describe() + ": awaitOutput(null): give the text to wait for");
        }
        await("print \"" + text + "\"", timeout, () -> stdout.contains(text) || stderr.contains(text));
        return this;
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) {
        if (timeout == null || timeout.isNegative()) {
            throw new NetnsException(describe() + ": the timeout to " + what + " must be zero or positive");
        }
        boolean[] exited = {false};
        try {
            Awaitility.await().atMost(Timeouts.clamp(timeout).plusMillis(1)).pollDelay(Duration.ZERO).pollInterval(POLL)
                    .until(() -> {
                        if (condition.getAsBoolean()) {
                            return true;
                        }
                        if (!process.isAlive() && !condition.getAsBoolean()) {
                            exited[0] = true;
                            return true;
                        }
                        return false;
                    });
        } catch (ConditionTimeoutException e) {
            throw new NetnsException(describe() + " did not " + what + " within " + timeout.toMillis() + " ms"
                    + outputSoFar(), e);
        }
        if (exited[0]) {
            throw new NetnsException(describe() + " exited with code " + process.exitValue() + " before it did "
                    + what + outputSoFar());
        }
    }

    private boolean listens(int port) {
        return thread.runUnchecked(() -> ListeningPorts.listensHere(port));
    }

    /** Waits up to {@code timeout} for the program to exit; past it, kills it and its children. */
    ExecResult waitFor(Duration timeout) {
        boolean finished;
        try {
            finished = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            killTree(Libc.SIGKILL);
            finish(false);
            Thread.currentThread().interrupt();
            throw new NetnsException(describe() + ": interrupted while waiting for it; it was killed", e);
        }
        if (!finished) {
            killTree(Libc.SIGKILL);
        }
        return finish(!finished);
    }

    @Override
    public void pause() {
        ProgramSignals.stop(process);
        paused = true;
    }

    @Override
    public void resume() {
        paused = false;
        ProgramSignals.resume(process);
    }

    @Override
    public boolean isPaused() {
        return paused && process.isAlive();
    }

    @Override
    public synchronized ExecResult kill() {
        if (result != null) {
            return result;
        }
        killTree(Libc.SIGKILL);
        return finish(false);
    }

    @Override
    public Program restart() {
        kill();
        return runner.start(spec);
    }

    @Override
    public synchronized ExecResult stop() {
        if (result != null) {
            return result;
        }
        killTree(Libc.SIGTERM);
        if (paused) {
            // a stopped process takes SIGTERM only once it runs again
            ProgramSignals.resume(process);
        }
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(Libc.SIGKILL);
            }
        } catch (InterruptedException e) {
            killTree(Libc.SIGKILL);
            Thread.currentThread().interrupt();
        }
        return finish(false);
    }

    @Override
    public void close() {
        stop();
    }

    /** Calls {@code listener} with the exit code once the program has ended and been waited for. */
    synchronized void whenFinished(IntConsumer listener) {
        if (result != null) {
            listener.accept(result.exitCode());
        } else {
            whenFinished = listener;
        }
    }

    /** Sends SIGKILL to the program and its children without waiting (teardown signals all first). */
    void sendKill() {
        killTree(Libc.SIGKILL);
    }

    private synchronized ExecResult finish(boolean timedOut) {
        if (result != null) {
            return result;
        }
        boolean interrupted = false;
        while (true) {
            try {
                process.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                killTree(Libc.SIGKILL);
            }
        }
        stdout.close();
        stderr.close();
        result = new ExecResult(spec.argv(), process.exitValue(), stdout.text(), stderr.text(), timedOut);
        onFinish.run();
        if (whenFinished != null) {
            whenFinished.accept(process.exitValue());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result;
    }

    /** Signals the program (through its pidfd) and its children (each through a pidfd of its own). */
    private void killTree(int signal) {
        List<ProcessHandle> children = process.descendants().toList();
        if (signal == Libc.SIGKILL) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        children.forEach(child -> Pidfds.signal(child, signal));
    }

    private String describe() {
        return "program '" + spec.display() + "' (pid " + process.pid() + ") in namespace '" + namespace + "'";
    }

    private String outputSoFar() {
        return "\n--- its stdout so far ---\n" + tail(stdout.text()) + "\n--- its stderr so far ---\n" + tail(stderr.text());
    }

    /** The end of a long text, for messages. */
    public static String tail(String text) {
        int keep = 4000;
        String body = text.length() <= keep ? text : "[... " + (text.length() - keep) + " characters before]\n"
                + text.substring(text.length() - keep);
        return body.isEmpty() ? "(nothing)" : body.stripTrailing();
    }

    @Override
    public String toString() {
        return "Program[" + spec.display() + ", pid " + process.pid() + (isAlive() ? ", running" : ", exited") + "]";
    }
}
