package dev.netns.internal.program;

import dev.netns.Program;
import dev.netns.internal.namespace.HomeNamespace;
import dev.netns.internal.system.Errno;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where one output stream of a program goes: a pipe, drained by one thread of the JVM (for all
 * programs) into an anonymous in-memory file ({@code memfd}). Only the first
 * {@link Program#OUTPUT_HEAD_BYTES} and the last {@link Program#OUTPUT_TAIL_BYTES} bytes are
 * kept: the middle of a longer output is released with {@code fallocate(PUNCH_HOLE)} as it is
 * drained, so memory stays within head + tail + {@link #SLACK_BYTES} at any write speed: a
 * program that writes faster than the drainer keeps up waits on its full pipe (1 MiB), it never
 * grows the file. After {@link #close()}, what is still written (a daemon that kept the stream)
 * is read and dropped, so it never blocks or gets {@code SIGPIPE}.
 */
final class OutputFile implements AutoCloseable {

    private static final long HEAD = Program.OUTPUT_HEAD_BYTES;
    private static final long TAIL = Program.OUTPUT_TAIL_BYTES;
    /** What the file may hold beyond head and tail before the middle is released (one trim step and one read). */
    static final long SLACK_BYTES = 2L << 20;
    private static final long TRIM_STEP = 1L << 20;
    private static final int PIPE_BYTES = 1 << 20;
    private static final int CHUNK = 256 * 1024;

    private static final Set<OutputFile> OPEN = ConcurrentHashMap.newKeySet();
    private static final Object DRAINER_LOCK = new Object();
    private static int[] wakeup;
    private static Thread drainer;

    private final int memfd;
    private final int source;
    private int sink;
    private final FileChannel channel;
    private long droppedUpTo = HEAD;
    private String finalText;
    private boolean ended;

    private OutputFile(int memfd, int source, int sink) throws IOException {
        this.memfd = memfd;
        this.source = source;
        this.sink = sink;
        this.channel = FileChannel.open(Path.of("/proc/self/fd/" + memfd), StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    /** Creates an empty output: its pipe and its in-memory file. */
    static OutputFile create(String name) throws IOException {
        int memfd;
        int[] pipe = new int[2];
        try {
            memfd = Libc.memfd_create("netns-junit-" + name, Libc.MFD_CLOEXEC);
        } catch (KernelException e) {
            throw new IOException("cannot create an in-memory output file: " + Libc.describe(e.errno()), e);
        }
        try {
            Libc.pipe2(pipe, Libc.O_CLOEXEC);
        } catch (KernelException e) {
            Libc.close(memfd);
            throw new IOException("cannot create an output pipe: " + Libc.describe(e.errno()), e);
        }
        try {
            // only the JVM's end is non-blocking: the program's writes block while the pipe is full
            Libc.fcntl(pipe[0], Libc.F_SETFL, Libc.fcntl(pipe[0], Libc.F_GETFL, 0) | Libc.O_NONBLOCK);
            try {
                Libc.fcntl(pipe[0], Libc.F_SETPIPE_SZ, PIPE_BYTES);
            } catch (KernelException smallerPipe) {
                // the default 64 KiB works too, with more wake-ups
            }
            OutputFile file = new OutputFile(memfd, pipe[0], pipe[1]);
            OPEN.add(file);
            wakeDrainer();
            return file;
        } catch (IOException | RuntimeException e) {
            Libc.close(memfd);
            Libc.close(pipe[0]);
            Libc.close(pipe[1]);
            throw e;
        }
    }

    /** The redirect that makes a program write to this output. */
    ProcessBuilder.Redirect redirect() {
        return ProcessBuilder.Redirect.appendTo(new File(appendPath()));
    }

    /** The file a program opens for writing to this output: the pipe's write end, by its {@code /proc} name. */
    String appendPath() {
        return "/proc/self/fd/" + sink;
    }

    /** The program has started (it has its own copy of the pipe): the JVM's copy of the write end is closed. */
    synchronized void started() {
        if (sink >= 0) {
            Libc.close(sink);
            sink = -1;
        }
    }

    /** The text written so far, decoded leniently; a dropped middle is marked with its size. */
    synchronized String text() {
        if (finalText != null) {
            return finalText;
        }
        try {
            drain();
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

    /** How many bytes of the file hold data (not holes): what it costs in memory now. */
    synchronized long residentBytes() {
        if (finalText != null) {
            return 0;
        }
        long resident = 0;
        long offset = 0;
        while (true) {
            long data;
            try {
                data = Libc.lseek(memfd, offset, Libc.SEEK_DATA);
            } catch (KernelException pastTheEnd) {
                return resident;
            }
            long hole = Libc.lseek(memfd, data, Libc.SEEK_HOLE);
            resident += hole - data;
            offset = hole;
        }
    }

    /**
     * Reads what the pipe holds now into the file (or drops it once closed), trimming as it goes.
     * Returns false once every writer has closed the pipe.
     */
    private synchronized boolean drain() throws IOException {
        if (ended) {
            return false;
        }
        byte[] chunk = new byte[CHUNK];
        while (true) {
            long read;
            try {
                read = Libc.read(source, chunk, chunk.length);
            } catch (KernelException e) {
                if (e.errno() == Errno.EAGAIN || e.errno() == Errno.EINTR) {
                    return true;
                }
                throw new IOException("read program output: " + e.getMessage(), e);
            }
            if (read <= 0) {
                ended = true;
                if (finalText != null) {
                    Libc.close(source);
                }
                return false;
            }
            if (finalText == null) {
                ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, (int) read);
                long position = channel.size();
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
                trim(position);
            }
        }
    }

    /** Releases the middle once the file holds a trim step more than head and tail. */
    private void trim(long size) throws IOException {
        long end = size - TAIL;
        if (end - droppedUpTo >= TRIM_STEP || (end > droppedUpTo && size > HEAD + TAIL + TRIM_STEP)) {
            Libc.fallocate(memfd, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, droppedUpTo, end - droppedUpTo);
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

    /**
     * Keeps the final text (what the pipe holds now included) and releases the memory. A writer
     * still holding the pipe (a daemon started by the program) is drained into nothing until it
     * closes it. Safe to call twice.
     */
    @Override
    public synchronized void close() {
        if (finalText != null) {
            return;
        }
        started();
        finalText = text();
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
        Libc.close(memfd);
        if (ended) {
            Libc.close(source);
            OPEN.remove(this);
        } else {
            wakeDrainer();
        }
    }

    private static void wakeDrainer() {
        synchronized (DRAINER_LOCK) {
            if (drainer == null) {
                wakeup = new int[2];
                Libc.pipe2(wakeup, Libc.O_CLOEXEC | Libc.O_NONBLOCK);
                // born wherever a program starts: it must not keep that namespace alive
                drainer = HomeNamespace.thread(OutputFile::drainForever, "netns-output-drainer");
                drainer.start();
            }
        }
        try {
            Libc.write(wakeup[1], new byte[1], 1);
        } catch (KernelException full) {
            // a wake-up is pending already
        }
    }

    /** The drainer: waits on every open pipe (and its wake-up pipe), drains what is readable. */
    private static void drainForever() {
        byte[] scratch = new byte[64];
        while (true) {
            List<OutputFile> files = new ArrayList<>(OPEN);
            int[] pollfds = new int[(files.size() + 1) * 2];
            pollfds[0] = wakeup[0];
            pollfds[1] = Libc.POLLIN;
            for (int i = 0; i < files.size(); i++) {
                pollfds[2 * i + 2] = files.get(i).source;
                pollfds[2 * i + 3] = Libc.POLLIN;
            }
            try {
                Libc.poll(pollfds, files.size() + 1, 1000);
            } catch (KernelException interrupted) {
                continue;
            }
            if ((pollfds[1] >>> 16) != 0) {
                try {
                    while (Libc.read(wakeup[0], scratch, scratch.length) > 0) {
                        // emptied
                    }
                } catch (KernelException empty) {
                    // nothing more
                }
            }
            for (int i = 0; i < files.size(); i++) {
                if ((pollfds[2 * i + 3] >>> 16) != 0) {
                    OutputFile file = files.get(i);
                    try {
                        if (!file.drain()) {
                            file.endedWhileOpen();
                        }
                    } catch (IOException | RuntimeException e) {
                        file.endedWhileOpen();
                    }
                }
            }
        }
    }

    /** The pipe has no writer left: nothing more to wait for (the file stays readable until closed). */
    private synchronized void endedWhileOpen() {
        ended = true;
        OPEN.remove(this);
        if (finalText != null) {
            // already closed: the source was closed in drain()
            return;
        }
    }
}
