package dev.netns.internal.namespace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The cgroup of one topology: every program it starts is added before it runs (see the
 * spawner's gate), and so is everything those programs start. {@link #killAll()} ends them all
 * with {@code cgroup.kill}, however they left the topology's namespaces, and refuses every
 * later addition, so a program started while the topology closes never escapes. {@link #freeze}
 * stops and resumes them all ({@code cgroup.freeze}), for pausing a namespace.
 */
public final class TopologyCgroup {

    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private final Path path;
    /** Held open from the start, so that teardown can kill even when the JVM has no descriptor left. */
    private final FileChannel kill;
    private final FileChannel events;
    private boolean closed;

    TopologyCgroup(Path path) throws IOException {
        this.path = path;
        this.kill = FileChannel.open(path.resolve("cgroup.kill"), StandardOpenOption.WRITE);
        try {
            this.events = FileChannel.open(path.resolve("cgroup.events"), StandardOpenOption.READ);
        } catch (IOException e) {
            kill.close();
            throw e;
        }
    }

    /** The cgroup's folder. */
    public Path path() {
        return path;
    }

    /**
     * Moves process {@code pid} into this cgroup (call it before the process may fork).
     *
     * @throws IOException when the topology is closed or the kernel refuses
     */
    public synchronized void add(long pid) throws IOException {
        if (closed) {
            throw new IOException("the topology is closed");
        }
        Files.writeString(path.resolve("cgroup.procs"), Long.toString(pid), StandardCharsets.US_ASCII,
                StandardOpenOption.WRITE);
    }

    /** Freezes ({@code true}) or thaws every process of the topology. */
    public synchronized void freeze(boolean frozen) throws IOException {
        Files.writeString(path.resolve("cgroup.freeze"), frozen ? "1" : "0", StandardCharsets.US_ASCII,
                StandardOpenOption.WRITE);
    }

    /** Whether any process is in the cgroup. */
    public boolean populated() {
        return populated(path);
    }

    /**
     * Kills every process in the cgroup, waits until they are gone (5 s at most), removes the
     * cgroup, and refuses any later {@link #add}. Safe to call twice.
     *
     * @return how many processes were in it
     */
    public synchronized int killAll() {
        if (closed) {
            return 0;
        }
        closed = true;
        int killed = 0;
        try {
            if (populatedNow()) {
                killed = count(path);
                kill.write(ByteBuffer.wrap(new byte[] {'1'}));
                long deadline = System.nanoTime() + KILL_WAIT.toNanos();
                while (populatedNow() && System.nanoTime() < deadline) {
                    Thread.sleep(0, 200_000);
                }
            }
        } catch (IOException e) {
            // the file-based way below says what is wrong
            killed = killTree(path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(kill);
            closeQuietly(events);
        }
        RunCgroup.removeTree(path);
        return killed;
    }

    /** Reads the held {@code cgroup.events} again from its start. */
    private boolean populatedNow() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        events.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).contains("populated 1");
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }

    /** Writes {@code cgroup.kill} and waits until the cgroup (and its children) is empty. */
    static int killTree(Path cgroup) {
        if (!populated(cgroup)) {
            return 0;
        }
        int count = count(cgroup);
        try {
            Files.writeString(cgroup.resolve("cgroup.kill"), "1", StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
        } catch (IOException e) {
            System.getLogger(TopologyCgroup.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot kill cgroup " + cgroup + ": " + e);
            return 0;
        }
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        while (populated(cgroup) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            try {
                Thread.sleep(0, 200_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return count;
    }

    /** Whether a process is in the cgroup or any cgroup below it ({@code populated} counts the subtree). */
    static boolean populatedTree(Path cgroup) {
        return populated(cgroup);
    }

    private static boolean populated(Path cgroup) {
        try {
            return Files.readString(cgroup.resolve("cgroup.events"), StandardCharsets.US_ASCII).contains("populated 1");
        } catch (IOException gone) {
            return false;
        }
    }

    /** How many processes the cgroup holds, its children included. */
    private static int count(Path cgroup) {
        try (var tree = Files.walk(cgroup)) {
            return tree.filter(path -> path.getFileName().toString().equals("cgroup.procs")).mapToInt(procs -> {
                try {
                    return (int) Files.readAllLines(procs).stream().filter(line -> !line.isBlank()).count();
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }
}
