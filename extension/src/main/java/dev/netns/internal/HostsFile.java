package dev.netns.internal;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The {@code /etc/hosts} of a topology: {@code localhost} plus every namespace name with its first
 * address, so that programs inside resolve {@code blue}. It is an in-memory file (nothing on disk),
 * bind-mounted over {@code /etc/hosts} in a private mount namespace of each namespace's thread, so
 * that only programs started from that thread see it: the machine's {@code /etc/hosts} is never
 * edited.
 */
final class HostsFile implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HostsFile.class.getName());
    private static final Path ETC_HOSTS = Path.of("/etc/hosts");

    private final int fd;

    private HostsFile(int fd) {
        this.fd = fd;
    }

    /** The file's text for these names. Pure. */
    static String render(Map<String, String> addressByName) {
        StringBuilder text = new StringBuilder("# the namespaces of this netns-junit topology\n")
                .append("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        addressByName.forEach((name, address) -> text.append(address).append('\t').append(name).append('\n'));
        return text.toString();
    }

    /** Writes the text into a new in-memory file. */
    static HostsFile create(String text) throws IOException {
        int fd;
        try {
            fd = Libc.memfd_create("netns-junit-hosts", Libc.MFD_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot create the topology's hosts file: " + Libc.describe(e.getErrorCode()), e);
        }
        try (FileChannel channel = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            Libc.close(fd);
            throw e;
        }
        return new HostsFile(fd);
    }

    /**
     * Gives the calling thread a private mount namespace in which this file is {@code /etc/hosts}.
     * A machine without {@code /etc/hosts}, or where mounts are refused, keeps its own: logged,
     * not fatal (names then do not resolve inside programs).
     */
    void mountForCallingThread() {
        if (!Files.exists(ETC_HOSTS)) {
            LOG.log(System.Logger.Level.DEBUG, "no /etc/hosts on this machine: namespace names do not resolve in programs");
            return;
        }
        try {
            Libc.unshare(Libc.CLONE_NEWNS);
            Libc.mount(null, "/", null, Libc.MS_REC | Libc.MS_PRIVATE, null);
            Libc.mount("/proc/self/fd/" + fd, ETC_HOSTS.toString(), null, Libc.MS_BIND, null);
        } catch (LastErrorException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot give programs the topology's /etc/hosts ("
                    + Libc.describe(e.getErrorCode()) + "): namespace names do not resolve inside programs");
        }
    }

    @Override
    public void close() {
        Libc.close(fd);
    }
}
