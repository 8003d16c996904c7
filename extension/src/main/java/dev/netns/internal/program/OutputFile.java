package dev.netns.internal.program;

import dev.netns.Program;
import dev.netns.internal.namespace.HomeNamespace;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where one output stream of a program goes: an anonymous in-memory file ({@code memfd}), which
 * the program writes to directly (no pipe to fill, no reader thread, no file on disk left behind
 * if the JVM dies). Only the first {@link Program#OUTPUT_HEAD_BYTES} and the last
 * {@link Program#OUTPUT_TAIL_BYTES} bytes are kept: the middle of a longer output is released
 * with {@code fallocate(PUNCH_HOLE)} while the program runs, so memory stays bounded.
 */
final class OutputFile implements AutoCloseable {

    private static final long HEAD = Program.OUTPUT_HEAD_BYTES;
    private static final long TAIL = Program.OUTPUT_TAIL_BYTES;
    private static final Set<OutputFile> OPEN = ConcurrentHashMap.newKeySet();
    private static final ScheduledThreadPoolExecutor TRIMMER = new ScheduledThreadPoolExecutor(1, task -> {
        return HomeNamespace.thread(task, "netns-output-trimmer");
    });
    private static final AtomicBoolean TRIMMING = new AtomicBoolean();

    static {
        // the thread exists only while programs run
        TRIMMER.setKeepAliveTime(1, TimeUnit.SECONDS);
        TRIMMER.allowCoreThreadTimeOut(true);
    }

    /** Trims every open output every 200 ms while there is any. */
    private static void scheduleTrimming() {
        if (TRIMMING.compareAndSet(false, true)) {
            TRIMMER.schedule(OutputFile::trimAll, 200, TimeUnit.MILLISECONDS);
        }
    }

    private static void trimAll() {
        OPEN.forEach(OutputFile::trimQuietly);
        TRIMMING.set(false);
        if (!OPEN.isEmpty()) {
            scheduleTrimming();
        }
    }

    private final int fd;
    private final File path;
    private final FileChannel channel;
    private long droppedUpTo = HEAD;
    private String finalText;

    private OutputFile(int fd) throws IOException {
        this.fd = fd;
        this.path = new File("/proc/self/fd/" + fd);
        this.channel = FileChannel.open(Path.of(path.getPath()), StandardOpenOption.READ);
    }

    /** Creates an empty output file. */
    static OutputFile create(String name) throws IOException {
        int fd;
        try {
            fd = Libc.memfd_create("netns-junit-" + name, Libc.MFD_CLOEXEC);
        } catch (KernelException e) {
            throw new IOException("cannot create an in-memory output file: " + Libc.describe(e.errno()), e);
        }
        try {
            OutputFile file = new OutputFile(fd);
            OPEN.add(file);
            scheduleTrimming();
            return file;
        } catch (IOException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** The redirect that makes a program append to this file (append, so that trimming is safe). */
    ProcessBuilder.Redirect redirect() {
        return ProcessBuilder.Redirect.appendTo(path);
    }

    /** The file to open in append mode for writing to this one (what {@link #redirect()} opens). */
    String appendPath() {
        return path.getPath();
    }

    /** The text written so far, decoded leniently; a dropped middle is marked with its size. */
    synchronized String text() {
        if (finalText != null) {
            return finalText;
        }
        try {
            trim();
            long size = channel.size();
            if (droppedUpTo == HEAD || size <= HEAD) {
                return decode(read(0, size));
            }
            return decode(read(0, HEAD)) + "\n[netns-junit: " + (droppedUpTo - HEAD) + " bytes of output dropped here; "
                    + "the first " + HEAD + " and the last " + TAIL + " bytes are kept]\n" + decode(read(droppedUpTo, size));
        } catch (IOException e) {
            return "(output could not be read: " + e.getMessage() + ")";
        }
    }

    /** Whether {@code needle} appears in the kept output. */
    boolean contains(String needle) {
        return text().contains(needle);
    }

    private synchronized void trimQuietly() {
        try {
            trim();
        } catch (IOException | RuntimeException e) {
            // the next read says what went wrong
        }
    }

    private void trim() throws IOException {
        if (finalText != null) {
            return;
        }
        long end = channel.size() - TAIL;
        if (end > droppedUpTo) {
            Libc.fallocate(fd, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, droppedUpTo, end - droppedUpTo);
            droppedUpTo = end;
        }
    }

    private byte[] read(long from, long to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, to - from));
        long position = from;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                break;
            }
            position += read;
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Keeps the final text and releases the memory and descriptors. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (finalText != null) {
            return;
        }
        finalText = text();
        OPEN.remove(this);
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
        Libc.close(fd);
    }
}
