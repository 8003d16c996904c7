package dev.netns.internal.program;

import dev.netns.ExecResult;
import dev.netns.NetnsException;
import dev.netns.internal.namespace.HomeNamespace;
import dev.netns.internal.namespace.NamespaceThread;
import dev.netns.internal.namespace.TopologyCgroup;
import dev.netns.internal.namespace.TopologyPidNamespace;
import dev.netns.internal.system.KernelException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs programs inside one namespace: each is started on the namespace's thread (so the child is
 * born inside it), with {@code posix_spawn} ({@link Spawner}; standard input from bytes through a
 * pipe) or, where the machine lacks what that needs, with {@link ProcessBuilder}. Output goes to in-memory files (see {@link OutputFile}), so no pipe can fill
 * up and no reader thread is needed. Tracks the live ones for reports and teardown.
 */
public final class ProgramRunner {

    private static final ProcessBuilder.Redirect NO_INPUT = ProcessBuilder.Redirect.from(new File("/dev/null"));

    private final NamespaceThread namespace;
    private final String logicalName;
    private final Set<RunningProgram> running = ConcurrentHashMap.newKeySet();
    private final Supplier<TopologyCgroup> cgroup;
    private final Supplier<TopologyPidNamespace> pids;

    /**
     * Runs programs on {@code namespace}'s thread; each goes into the cgroup {@code cgroup}
     * gives at its start and is born in the PID namespace {@code pids} gives (each null where
     * the topology has none; they throw once the topology is closed).
     */
    public ProgramRunner(NamespaceThread namespace, String logicalName, Supplier<TopologyCgroup> cgroup,
            Supplier<TopologyPidNamespace> pids) {
        this.namespace = namespace;
        this.logicalName = logicalName;
        this.cgroup = cgroup;
        this.pids = pids;
    }

    /** Runs a program and waits for it, killing it and its children past its timeout. */
    ExecResult run(CommandSpec spec) {
        return start(spec).waitFor(spec.timeout());
    }

    /** Starts a program in the background. */
    RunningProgram start(CommandSpec spec) {
        OutputFile stdout = null;
        OutputFile stderr = null;
        try {
            stdout = OutputFile.create("stdout");
            stderr = OutputFile.create("stderr");
            OutputFile out = stdout;
            OutputFile err = stderr;
            Process process = namespace.run(() -> {
                TopologyCgroup target = cgroup.get();
                TopologyPidNamespace pidNamespace = pids.get();
                // bytes for standard input go through a private file: the program passes the cgroup's gate
                // (ProcessBuilder's pipe would put it in the cgroup only after its start) and may be born in a
                // PID namespace, where ProcessBuilder cannot start a child
                return Spawner.available()
                        ? Spawner.start(spec, out, err, target, namespace.tid(), pidNamespace)
                        : startContainedAfterwards(spec, out, err, target);
            });
            out.started();
            err.started();
            RunningProgram[] self = new RunningProgram[1];
            RunningProgram program = new RunningProgram(spec, logicalName, namespace, process, stdout, stderr,
                    () -> running.remove(self[0]), this);
            self[0] = program;
            running.add(program);
            if (spec.inputBytes() != null && !(process instanceof SpawnedProcess)) {
                feed(process, spec.inputBytes());
            }
            return program;
        } catch (IOException e) {
            closeQuietly(stdout);
            closeQuietly(stderr);
            throw new NetnsException("cannot start program '" + spec.display() + "' in namespace '" + logicalName
                    + "': " + e.getMessage() + hint(spec.argv().get(0)), e);
        } catch (KernelException e) {
            closeQuietly(stdout);
            closeQuietly(stderr);
            throw new NetnsException("cannot start program '" + spec.display() + "' in namespace '" + logicalName
                    + "': " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(stdout);
            closeQuietly(stderr);
            throw e;
        } catch (Exception e) {
            closeQuietly(stdout);
            closeQuietly(stderr);
            throw new NetnsException("cannot start program '" + spec.display() + "' in namespace '" + logicalName
                    + "': " + e, e);
        }
    }

    /**
     * {@link ProcessBuilder} cannot hold a child before it runs: it is moved into the cgroup just
     * after its start (a program that forks in its first microseconds may leave a child outside,
     * which teardown then finds by its namespace only: one that also left the namespace escapes;
     * with {@code -Dnetns.spawn=processbuilder} the exec/close race left such a program in 4 to
     * 13 of 300 rounds). The start and the move hold the cgroup's lock, so the topology's close
     * ({@link TopologyCgroup#killAll()}) comes either before the start, and the program and its
     * children die at once, or after the move.
     */
    private Process startContainedAfterwards(CommandSpec spec, OutputFile out, OutputFile err, TopologyCgroup target)
            throws IOException {
        if (target == null) {
            return processBuilder(spec, out, err).start();
        }
        synchronized (target) {
            Process process = processBuilder(spec, out, err).start();
            try {
                target.add(process.pid());
            } catch (IOException e) {
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IOException("Cannot run program \"" + spec.argv().get(0) + "\": it could not be put in its "
                        + "topology's cgroup (" + e.getMessage() + ")", e);
            }
            return process;
        }
    }

    private static ProcessBuilder processBuilder(CommandSpec spec, OutputFile stdout, OutputFile stderr) {
        ProcessBuilder builder = new ProcessBuilder(spec.argv())
                .redirectOutput(stdout.redirect())
                .redirectError(stderr.redirect())
                .redirectInput(spec.inputFile() != null ? ProcessBuilder.Redirect.from(spec.inputFile().toFile())
                        : spec.inputBytes() != null ? ProcessBuilder.Redirect.PIPE : NO_INPUT);
        if (spec.directory() != null) {
            builder.directory(spec.directory().toFile());
        }
        spec.applyEnvironmentTo(builder.environment());
        return builder;
    }

    /** The programs started here that are still being tracked (not yet stopped or waited for). */
    public List<RunningProgram> running() {
        return List.copyOf(running);
    }

    /**
     * Kills every program still running in this namespace, with its children, and releases its
     * output files.
     *
     * @return how many were still running
     */
    public int killAll() {
        List<RunningProgram> programs = running();
        int alive = (int) programs.stream().filter(RunningProgram::isAlive).count();
        programs.forEach(RunningProgram::sendKill);
        programs.forEach(RunningProgram::stop);
        return alive;
    }

    /** Writes standard input from a daemon thread, so that a program that does not read cannot block the test. */
    private static void feed(Process process, byte[] bytes) {
        Thread writer = HomeNamespace.thread(() -> {
            try (OutputStream input = process.getOutputStream()) {
                input.write(bytes);
            } catch (IOException closedEarly) {
                // the program exited or closed its input without reading everything: its choice
            }
        }, "netns-junit-stdin-" + process.pid());
        writer.start();
    }

    private static String hint(String program) {
        return switch (program) {
            case "ping" -> " (install iputils-ping)";
            case "nft" -> " (install nftables)";
            case "ip" -> " (install iproute2)";
            default -> "";
        };
    }

    private static void closeQuietly(OutputFile file) {
        if (file != null) {
            file.close();
        }
    }
}
