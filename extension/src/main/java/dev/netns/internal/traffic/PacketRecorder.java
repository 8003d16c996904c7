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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Capture}: an {@code AF_PACKET} socket bound to one interface, opened on the namespace's
 * thread, read by a daemon thread that writes a pcap file and decodes each frame.
 */
public final class PacketRecorder implements Capture {

    private static final int SNAPLEN = 65535;
    private static final int LINKTYPE_ETHERNET = 1;

    private final int fd;
    private final Path file;
    private final OutputStream pcap;
    private final List<CapturedPacket> packets = new ArrayList<>();
    private final Thread reader;
    private volatile boolean closing;
    private boolean closed;

    private PacketRecorder(int fd, Path file, String description) throws IOException {
        this.fd = fd;
        this.file = file;
        this.pcap = new BufferedOutputStream(Files.newOutputStream(file));
        writeHeader();
        this.reader = new Thread(this::read, "netns-capture-" + description);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Opens the socket on the calling thread (which must be in the namespace) and starts recording. */
    public static PacketRecorder open(String namespace, String interfaceName) {
        int index = Libc.if_nametoindex(interfaceName);
        if (index == 0) {
            throw new NetnsException("capture on " + interfaceName + " in namespace '" + namespace + "': no such interface");
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
            Optional<Path> folder = Reaper.get().runFiles();
            Path file = folder.isPresent()
                    ? Files.createTempFile(folder.get(), "capture-" + namespace + "-" + interfaceName + "-", ".pcap")
                    : Files.createTempFile("netns-junit-" + namespace + "-" + interfaceName + "-", ".pcap");
            file.toFile().deleteOnExit();
            return new PacketRecorder(fd, file, namespace + "-" + interfaceName);
        } catch (IOException e) {
            Libc.close(fd);
            throw new NetnsException("capture on " + interfaceName + " in namespace '" + namespace + "': cannot write the "
                    + "pcap file: " + e.getMessage(), e);
        }
    }

    private static int htons(int value) {
        return ((value & 0xff) << 8) | ((value >>> 8) & 0xff);
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
                    break;
                }
                if (ready <= 0) {
                    continue;
                }
                int length = (int) Libc.recv(fd, frame, frame.length, 0);
                if (length > 0) {
                    record(frame, length);
                }
            }
            // what arrived before close() was asked for is still recorded
            pollfd[0] = fd;
            pollfd[1] = Libc.POLLIN;
            while (Libc.poll(pollfd, 1, 0) > 0) {
                int length = (int) Libc.recv(fd, frame, frame.length, 0);
                if (length <= 0) {
                    break;
                }
                record(frame, length);
                pollfd[1] = Libc.POLLIN;
            }
        } catch (KernelException | IOException e) {
            System.getLogger(PacketRecorder.class.getName()).log(System.Logger.Level.WARNING,
                    "capture to " + file + " stopped: " + e);
        }
    }

    private void record(byte[] frame, int length) throws IOException {
        Instant now = Instant.now();
        CapturedPacket packet = PacketDecoder.decode(now, frame, length);
        synchronized (this) {
            ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt((int) now.getEpochSecond()).putInt(now.getNano() / 1000).putInt(length).putInt(length);
            pcap.write(header.array());
            pcap.write(frame, 0, length);
            packets.add(packet);
        }
    }

    private void writeHeader() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(SNAPLEN).putInt(LINKTYPE_ETHERNET);
        pcap.write(header.array());
    }

    @Override
    public synchronized List<CapturedPacket> packets() {
        return List.copyOf(packets);
    }

    @Override
    public Path file() {
        synchronized (this) {
            try {
                pcap.flush();
            } catch (IOException ignored) {
                // closed already: the file is complete
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
                pcap.close();
            } catch (IOException ignored) {
                // nothing more to write
            }
        }
    }

    @Override
    public String toString() {
        return "Capture[" + file + ", " + packets().size() + " packets]";
    }
}
