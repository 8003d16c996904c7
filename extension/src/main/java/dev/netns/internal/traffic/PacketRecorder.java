package dev.netns.internal.traffic;

import dev.netns.Capture;
import dev.netns.CapturedPacket;
import dev.netns.NetnsException;
import dev.netns.internal.namespace.Reaper;
import dev.netns.internal.system.Errno;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Capture}: an {@code AF_PACKET} socket bound to one interface, opened on the namespace's
 * thread, read by a daemon thread that writes pcap records and decodes each frame.
 *
 * <p>Bounded: the records go to two segments of at most half the limit each; when the newer one
 * is full, the older one is let go (its packets counted in {@link #dropped()}), so the recording
 * holds the last {@code netns.capture.maxBytes} bytes at most, in memory and on disk. Packets the
 * kernel dropped ({@code PACKET_STATISTICS}) are counted too. The socket stays bound when the
 * interface goes down, and records again once it is up. A write error (a full disk) stops the
 * recording and is logged; nothing else is affected.
 */
public final class PacketRecorder implements Capture {

    private static final System.Logger LOG = System.getLogger(PacketRecorder.class.getName());
    private static final int SNAPLEN = 65535;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int PACKET_STATISTICS = 6;
    private static final int ENETDOWN = 100;
    private static final long DEFAULT_MAX_BYTES = 32L << 20;
    /** At most this many decoded packets per segment, so that tiny frames cannot fill the heap either. */
    private static final int SEGMENT_PACKETS = 25_000;

    private final int fd;
    private final Path folder;
    private final boolean ownFolder;
    private final Path file;
    private final long segmentLimit;
    private final Thread reader;
    private Segment older;
    private Segment current;
    private long droppedByLimit;
    private long droppedByKernel;
    private long segments;
    private String failure;
    private boolean assembled;
    private volatile boolean closing;
    private boolean closed;

    /** One part of the ring: a file of pcap records (no header) and their packets. */
    private static final class Segment {
        final Path path;
        final OutputStream out;
        final List<CapturedPacket> packets = new ArrayList<>();
        long bytes;

        Segment(Path path) throws IOException {
            this.path = path;
            this.out = new BufferedOutputStream(Files.newOutputStream(path));
        }

        void discard() {
            try {
                out.close();
            } catch (IOException ignored) {
                // deleted anyway
            }
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // the run's folder goes with the run
            }
        }
    }

    private PacketRecorder(int fd, Path folder, boolean ownFolder, String description) throws IOException {
        this.fd = fd;
        this.folder = folder;
        this.ownFolder = ownFolder;
        this.file = folder.resolve("capture-" + description + "-" + Long.toHexString(System.nanoTime()) + ".pcap");
        this.segmentLimit = Math.max(SNAPLEN + 16, Long.getLong("netns.capture.maxBytes", DEFAULT_MAX_BYTES) / 2);
        this.current = newSegment();
        writeFile();
        this.reader = new Thread(this::read, "netns-capture-" + description);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Opens the socket on the calling thread (which must be in the namespace) and starts recording. */
    public static PacketRecorder open(String namespace, String interfaceName) {
        int index;
        try {
            index = Libc.interfaceIndex(interfaceName);
        } catch (KernelException e) {
            throw new NetnsException("capture on " + interfaceName + " in namespace '" + namespace + "': "
                    + (e.errno() == Errno.ENODEV ? "no such interface" : Libc.describe(e.errno())), e);
        }
        int fd;
        try {
            fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, htons(Libc.ETH_P_ALL));
            byte[] address = new byte[20];   // sockaddr_ll
            ByteBuffer.wrap(address).order(ByteOrder.nativeOrder())
                    .putShort((short) Libc.AF_PACKET).putShort((short) htons(Libc.ETH_P_ALL)).putInt(index);
            try {
                Libc.bind(fd, address, address.length);
            } catch (KernelException e) {
                Libc.close(fd);
                throw e;
            }
        } catch (KernelException e) {
            throw new NetnsException("capture on " + interfaceName + " in namespace '" + namespace + "': "
                    + Libc.describe(e.errno()), e);
        }
        try {
            // in this run's private folder, which the watchdog deletes when the JVM ends, even by kill -9
            Optional<Path> runFolder = Reaper.get().runFiles();
            Path folder = runFolder.isPresent() ? runFolder.get() : Files.createTempDirectory("netns-junit-capture-");
            return new PacketRecorder(fd, folder, runFolder.isEmpty(), namespace + "-" + interfaceName);
        } catch (IOException e) {
            Libc.close(fd);
            throw new NetnsException("capture on " + interfaceName + " in namespace '" + namespace + "': cannot write the "
                    + "pcap file: " + e.getMessage(), e);
        }
    }

    private static int htons(int value) {
        return ((value & 0xff) << 8) | ((value >>> 8) & 0xff);
    }

    private Segment newSegment() throws IOException {
        return new Segment(Path.of(file + ".part" + (++segments)));
    }

    private void read() {
        byte[] frame = new byte[SNAPLEN];
        int[] pollfd = new int[2];
        try {
            while (!closing) {
                pollfd[0] = fd;
                pollfd[1] = Libc.POLLIN;
                int ready;
                try {
                    ready = Libc.poll(pollfd, 1, 50);
                } catch (KernelException e) {
                    if (e.errno() == Errno.EINTR) {
                        continue;
                    }
                    throw e;
                }
                if (ready <= 0) {
                    countKernelDrops();
                    continue;
                }
                receive(frame);
            }
            // what arrived before close() was asked for is still recorded
            pollfd[0] = fd;
            pollfd[1] = Libc.POLLIN;
            while (Libc.poll(pollfd, 1, 0) > 0 && receive(frame)) {
                pollfd[1] = Libc.POLLIN;
            }
            countKernelDrops();
        } catch (KernelException | IOException e) {
            synchronized (this) {
                failure = e.toString();
            }
            LOG.log(System.Logger.Level.WARNING, "capture to " + file + " stopped (what was recorded so far stays "
                    + "readable): " + e);
        }
    }

    /** Receives one frame; false when there was none. The interface going down is not the end. */
    private boolean receive(byte[] frame) throws IOException {
        int length;
        try {
            length = (int) Libc.recv(fd, frame, frame.length, Libc.MSG_DONTWAIT);
        } catch (KernelException e) {
            if (e.errno() == ENETDOWN || e.errno() == Errno.EAGAIN || e.errno() == Errno.EINTR) {
                // the socket stays bound: it records again once the interface is up
                return false;
            }
            throw e;
        }
        if (length > 0) {
            record(frame, length);
        }
        return length > 0;
    }

    /** Adds what the kernel dropped since the last call ({@code PACKET_STATISTICS} resets as it is read). */
    private void countKernelDrops() {
        try {
            long statistics = Libc.getsockoptLong(fd, Libc.SOL_PACKET, PACKET_STATISTICS);
            // struct tpacket_stats { unsigned tp_packets; unsigned tp_drops; }
            long drops = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, statistics).getInt(4) & 0xffffffffL;
            synchronized (this) {
                droppedByKernel += drops;
            }
        } catch (KernelException e) {
            // no statistics: nothing to add
        }
    }

    private void record(byte[] frame, int length) throws IOException {
        Instant now = Instant.now();
        CapturedPacket packet = PacketDecoder.decode(now, frame, length);
        synchronized (this) {
            if (current.bytes + 16 + length > segmentLimit || current.packets.size() >= SEGMENT_PACKETS) {
                if (older != null) {
                    droppedByLimit += older.packets.size();
                    older.discard();
                }
                current.out.flush();
                older = current;
                current = newSegment();
            }
            ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt((int) now.getEpochSecond()).putInt(now.getNano() / 1000).putInt(length).putInt(length);
            current.out.write(header.array());
            current.out.write(frame, 0, length);
            current.bytes += 16 + length;
            current.packets.add(packet);
        }
    }

    /** Writes the pcap file: the header, then the older and the newer segment. */
    private synchronized void writeFile() throws IOException {
        Path next = Path.of(file + ".next");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(next))) {
                ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                        .putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                        .putInt(SNAPLEN).putInt(LINKTYPE_ETHERNET);
                out.write(header.array());
                for (Segment segment : new Segment[] {older, current}) {
                    if (segment != null) {
                        segment.out.flush();
                        Files.copy(segment.path, out);
                    }
                }
            }
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // a full disk: the half-written copy goes, the last complete file stays
            Files.deleteIfExists(next);
            throw e;
        }
    }

    @Override
    public synchronized List<CapturedPacket> packets() {
        List<CapturedPacket> all = new ArrayList<>();
        if (older != null) {
            all.addAll(older.packets);
        }
        all.addAll(current.packets);
        return List.copyOf(all);
    }

    @Override
    public synchronized long dropped() {
        return droppedByLimit + droppedByKernel;
    }

    /** Why the recording stopped before its close (a write error such as a full disk); empty while it records. */
    public synchronized Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public synchronized Path file() {
        if (!assembled) {
            try {
                writeFile();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot write the pcap file " + file + ": " + e);
            }
        }
        return file;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closing = true;
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Libc.close(fd);
        synchronized (this) {
            try {
                writeFile();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot write the pcap file " + file + ": " + e);
            }
            assembled = true;
            if (older != null) {
                older.discard();
            }
            current.discard();
        }
    }

    /** Closes the capture and deletes its file (the topology's close). */
    public void discard() {
        close();
        try {
            Files.deleteIfExists(file);
            if (ownFolder) {
                Files.deleteIfExists(folder);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot delete " + file + ": " + e);
        }
    }

    @Override
    public synchronized String toString() {
        return "Capture[" + file + ", " + (packets().size()) + " packets, " + dropped() + " dropped"
                + (failure != null ? ", stopped: " + failure : "") + "]";
    }
}
