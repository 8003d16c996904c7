package dev.netns.internal.namespace;

import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Who a network namespace is, in a way the kernel never hands to another one: its inode number
 * (reused once the namespace is freed) together with its cookie ({@code SO_NETNS_COOKIE}, a
 * 64-bit counter that is never reused until the machine reboots). Run journals record both, so a
 * sweep acts on a namespace only when both still match: an inode number that now belongs to a
 * stranger's namespace has another cookie.
 *
 * @param inode the inode number of the namespace's file ({@code /proc/PID/ns/net})
 * @param cookie the namespace's cookie
 */
public record NamespaceIdentity(long inode, long cookie) {

    /** The identity of the calling thread's network namespace. */
    static NamespaceIdentity ofCallingThread() throws IOException {
        long inode = ((Number) Files.getAttribute(Path.of("/proc/thread-self/ns/net"), "unix:ino")).longValue();
        return new NamespaceIdentity(inode, cookieHere());
    }

    /**
     * The identity of the namespace named by {@code namespaceFile} (e.g. {@code /proc/PID/ns/net}),
     * read from inside it on a short-lived thread; empty when it cannot be entered (gone, or not
     * ours to enter).
     */
    public static Optional<NamespaceIdentity> of(Path namespaceFile) {
        AtomicReference<NamespaceIdentity> found = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            int fd;
            try {
                fd = Libc.open(namespaceFile.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
            } catch (KernelException gone) {
                return;
            }
            try {
                long inode = ((Number) Files.getAttribute(Path.of("/proc/thread-self/fd", Integer.toString(fd)), "unix:ino"))
                        .longValue();
                // the descriptor holds the namespace: inode and cookie are read from the same one
                Libc.setns(fd, Libc.CLONE_NEWNET);
                found.set(new NamespaceIdentity(inode, cookieHere()));
            } catch (IOException | RuntimeException notOurs) {
                // not enterable: its identity stays unknown, and nothing is done to it
            } finally {
                Libc.close(fd);
            }
        }, "netns-identity");
        reader.setDaemon(true);
        reader.start();
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return Optional.ofNullable(found.get());
    }

    private static long cookieHere() {
        int socket = Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        try {
            return Libc.getsockoptLong(socket, Libc.SOL_SOCKET, Libc.SO_NETNS_COOKIE);
        } finally {
            Libc.close(socket);
        }
    }

    /** The form a journal records: {@code INODE:COOKIE}. */
    public String line() {
        return inode + ":" + cookie;
    }

    /** Reads {@link #line()}; empty for anything else (an inode alone proves nothing). */
    static Optional<NamespaceIdentity> parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new NamespaceIdentity(Long.parseLong(text.substring(0, colon)),
                    Long.parseLong(text.substring(colon + 1))));
        } catch (NumberFormatException garbage) {
            return Optional.empty();
        }
    }
}
