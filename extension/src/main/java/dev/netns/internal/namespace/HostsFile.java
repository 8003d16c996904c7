package dev.netns.internal.namespace;

import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code /etc/hosts} of a topology: {@code localhost} plus every namespace name with its first
 * address, so that programs inside resolve {@code blue}. It is bind-mounted over {@code /etc/hosts} in a private mount namespace of each namespace's thread, so
 * that only programs started from that thread see it: the machine's {@code /etc/hosts} is never
 * edited.
 */
public final class HostsFile implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HostsFile.class.getName());
    private static final Path ETC_HOSTS = Path.of("/etc/hosts");

    private final String text;

    private HostsFile(String text) {
        this.text = text;
    }

    /** The file's text for these names. Pure. */
    public static String render(Map<String, String> addressByName, Map<String, String> address6ByName) {
        StringBuilder text = new StringBuilder("# the namespaces of this netns-junit topology\n")
                .append("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        addressByName.forEach((name, address) -> text.append(address).append('\t').append(name).append('\n'));
        address6ByName.forEach((name, address) -> text.append(address).append('\t').append(name).append('\n'));
        return text.toString();
    }

    /** A hosts file with this text. */
    public static HostsFile create(String text) {
        return new HostsFile(text);
    }

    /**
     * Gives the calling thread a private mount namespace in which this file is {@code /etc/hosts}.
     * A machine without {@code /etc/hosts}, or where mounts are refused, keeps its own: logged,
     * not fatal (names then do not resolve inside programs).
     */
    public void mountForCallingThread() {
        if (!Files.exists(ETC_HOSTS)) {
            LOG.log(System.Logger.Level.DEBUG, "no /etc/hosts on this machine: namespace names do not resolve in programs");
            return;
        }
        try {
            Libc.unshare(Libc.CLONE_NEWNS);
            Libc.mount(null, "/", null, Libc.MS_REC | Libc.MS_PRIVATE, null);
        } catch (KernelException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot give programs the topology's /etc/hosts ("
                    + Libc.describe(e.errno()) + "): namespace names do not resolve inside programs");
            return;
        }
        try {
            mountFromOwnTmpfs();
        } catch (KernelException | IOException onOwnTmpfs) {
            mountFromPrivateFolder(onOwnTmpfs);
        }
    }

    /**
     * The kernel bind-mounts only files of a real mount: the text goes to a tmpfs of its own,
     * mounted for a moment in this thread's private mount namespace only, so it needs no disk at
     * all (a disk filled by captures cannot break name resolution, and nothing is ever left on
     * one). Once bind-mounted the tmpfs is detached: the mount over {@code /etc/hosts} keeps the
     * file alive for exactly as long as the namespace's thread.
     */
    private void mountFromOwnTmpfs() throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String staging = stagingFolder().toString();
        Libc.mount("netns-junit-hosts", staging, "tmpfs", Libc.MS_NOSUID | Libc.MS_NODEV | Libc.MS_NOEXEC,
                "size=" + (bytes.length + 65536) + ",mode=755");
        try {
            Path file = Path.of(staging, "hosts");
            Files.write(file, bytes);
            Libc.mount(file.toString(), ETC_HOSTS.toString(), null, Libc.MS_BIND, null);
        } finally {
            Libc.umount2(staging, Libc.MNT_DETACH);
        }
    }

    /** Where the tmpfs is mounted for a moment: the run's private folder, else the temporary folder. */
    private static Path stagingFolder() {
        return Reaper.get().privateFolder().orElse(Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** Where no tmpfs may be mounted: a file of the run's private folder, deleted again once mounted. */
    private void mountFromPrivateFolder(Exception whyNotOwnTmpfs) {
        Path file = null;
        try {
            file = RunJournal.privateFile("hosts");
            Files.writeString(file, text, StandardCharsets.UTF_8);
            Libc.mount(file.toString(), ETC_HOSTS.toString(), null, Libc.MS_BIND, null);
        } catch (KernelException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot give programs the topology's /etc/hosts ("
                    + Libc.describe(e.errno()) + "; on a tmpfs of its own: " + whyNotOwnTmpfs.getMessage()
                    + "): namespace names do not resolve inside programs");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot write the topology's hosts file (" + e.getMessage()
                    + "; on a tmpfs of its own: " + whyNotOwnTmpfs.getMessage()
                    + "): namespace names do not resolve inside programs");
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a later sweep removes it
                }
            }
        }
    }

    @Override
    public void close() {
        // nothing is held: each namespace's mount ends with its thread
    }
}
