package dev.netns.internal;

import dev.netns.ExecResult;
import dev.netns.NetnsException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs programs inside one namespace: each is started on the namespace's thread (so the child is
 * born inside it) and waited for by the caller. Output goes to temporary files, so no reader
 * thread is needed. Tracks the live ones so that closing the namespace kills them.
 */
final class ProgramRunner {

    private static final String OWNER = Reaper.ownerMarker();
    private static final ProcessBuilder.Redirect NO_INPUT = ProcessBuilder.Redirect.from(new File("/dev/null"));

    private final NamespaceThread namespace;
    private final String logicalName;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    ProgramRunner(NamespaceThread namespace, String logicalName) {
        this.namespace = namespace;
        this.logicalName = logicalName;
    }

    /**
     * Runs a program with nothing on its standard input and waits for it, killing it and its
     * children past {@code timeout}.
     */
    ExecResult run(Duration timeout, String... command) {
        if (command == null || command.length == 0) {
            throw new NetnsException("exec in namespace '" + logicalName + "': no command given");
        }
        List<String> argv = List.of(command);
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("netns-junit-out", ".txt");
            stderr = Files.createTempFile("netns-junit-err", ".txt");
            Process process = start(argv, stdout.toFile(), stderr.toFile());
            running.add(process);
            try {
                boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!finished) {
                    killWithChildren(process);
                    process.waitFor();
                }
                return new ExecResult(argv, process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                        Files.readString(stderr, StandardCharsets.UTF_8), !finished);
            } finally {
                running.remove(process);
            }
        } catch (IOException e) {
            throw new NetnsException("exec " + argv + " in namespace '" + logicalName + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetnsException("exec " + argv + " in namespace '" + logicalName + "': interrupted", e);
        } finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    /** Kills every program still running in this namespace, with its children. */
    void killAll() {
        for (Process process : running) {
            killWithChildren(process);
        }
    }

    private Process start(List<String> argv, File stdout, File stderr) {
        try {
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .redirectInput(NO_INPUT)
                    .redirectOutput(stdout)
                    .redirectError(stderr);
            builder.environment().put(Reaper.OWNER_VARIABLE, OWNER);
            return namespace.run(builder::start);
        } catch (IOException e) {
            throw new NetnsException("exec " + argv + " in namespace '" + logicalName + "': cannot start "
                    + argv.get(0) + ": " + e.getMessage() + hint(argv.get(0)), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new NetnsException("exec " + argv + " in namespace '" + logicalName + "': " + e, e);
        }
    }

    private static String hint(String program) {
        return switch (program) {
            case "ping" -> " (install iputils-ping)";
            case "nft" -> " (install nftables)";
            case "ip" -> " (install iproute2)";
            default -> "";
        };
    }

    private static void killWithChildren(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file that cannot be deleted is not worth failing a test for
            }
        }
    }
}
