package dev.netns.internal.namespace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The record of one run (one JVM) of which namespaces it owns, kept in a file that the run holds
 * locked while it lives. A lock held means a live run, whatever PID namespace its JVM is in; a
 * lock that can be taken means the run is gone. No pid and no environment variable is trusted.
 *
 * <p>The files live in {@code /run/netns-junit} (or, where that cannot be written, in a
 * {@code netns-junit-UID} folder of the temporary directory), made by this user with mode 700;
 * each file is created new with a name nobody can predict, and never followed through a link.
 */
final class RunJournal {

    private final Path file;
    private final FileChannel channel;

    private RunJournal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** A new, empty file with an unpredictable name in the private folder, never following a link. */
    static Path privateFile(String kind) throws IOException {
        Path file = directory().resolve(kind + "-" + UUID.randomUUID());
        Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")))
                .close();
        return file;
    }

    /** Creates and locks this run's journal. */
    static RunJournal create() throws IOException {
        Path directory = directory();
        Path file = directory.resolve("run-" + UUID.randomUUID() + ".journal");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
        try {
            if (channel.tryLock() == null) {
                throw new IOException("cannot lock " + file);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(file);
            throw e;
        }
        return new RunJournal(file, channel);
    }

    /**
     * A private folder for this run's files (captures), made on first use; the watchdog deletes it
     * with the journal when the JVM ends, however it ends.
     */
    synchronized Path filesDirectory() throws IOException {
        Path files = Path.of(file + ".files");
        if (!Files.isDirectory(files, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(files, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return files;
    }

    /** The file, for the watchdog to delete once it has cleaned up after this run. */
    Path file() {
        return file;
    }

    /** Records that this run owns ({@code +}) or released ({@code -}) these namespaces. */
    synchronized void record(char change, Set<Long> inodes) {
        StringBuilder lines = new StringBuilder();
        inodes.forEach(inode -> lines.append(change).append(inode).append('\n'));
        try {
            channel.write(ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            System.getLogger(RunJournal.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot write the run journal " + file + ": " + e);
        }
    }

    /** The namespaces owned by live runs, and those left by dead runs (whose journals are then deleted). */
    record Census(Set<Long> live, Set<Long> dead) {
    }

    /**
     * Reads every journal but this run's own: a journal whose lock is free belongs to a dead run.
     * Dead runs' journals are deleted once read.
     */
    static Census census(RunJournal self) {
        Set<Long> live = new HashSet<>();
        Set<Long> dead = new HashSet<>();
        List<Path> finished = new ArrayList<>();
        Path directory;
        try {
            directory = directory();
        } catch (IOException e) {
            return new Census(live, dead);
        }
        try (DirectoryStream<Path> journals = Files.newDirectoryStream(directory, "run-*.journal")) {
            for (Path journal : journals) {
                if (self != null && journal.equals(self.file)) {
                    continue;
                }
                try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS)) {
                    Set<Long> owned = replay(Files.readAllLines(journal, StandardCharsets.US_ASCII));
                    FileLock lock = tryLock(channel);
                    if (lock == null) {
                        live.addAll(owned);
                    } else {
                        dead.addAll(owned);
                        finished.add(journal);
                        lock.release();
                    }
                } catch (IOException | RuntimeException unreadable) {
                    // not ours to judge
                }
            }
        } catch (IOException e) {
            return new Census(live, dead);
        }
        for (Path journal : finished) {
            try {
                deleteFiles(Path.of(journal + ".files"));
                Files.deleteIfExists(journal);
            } catch (IOException ignored) {
                // the next sweep tries again
            }
        }
        dead.removeAll(live);
        return new Census(live, dead);
    }

    /** Deletes a dead run's files folder (regular files only; links are removed, never followed). */
    private static void deleteFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(folder);
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException ownJvm) {
            return null;
        }
    }

    /** The namespaces still owned after a journal's lines. */
    static Set<Long> replay(List<String> lines) {
        Set<Long> owned = new HashSet<>();
        for (String line : lines) {
            if (line.length() < 2) {
                continue;
            }
            try {
                long inode = Long.parseLong(line.substring(1));
                if (line.charAt(0) == '+') {
                    owned.add(inode);
                } else if (line.charAt(0) == '-') {
                    owned.remove(inode);
                }
            } catch (NumberFormatException garbage) {
                // a torn last line of a run killed mid-write
            }
        }
        return owned;
    }

    private static Path directory() throws IOException {
        Path shared = Path.of("/run/netns-junit");
        if (usable(shared)) {
            return shared;
        }
        Path own = Path.of(System.getProperty("java.io.tmpdir"), "netns-junit-" + uid());
        if (usable(own)) {
            return own;
        }
        throw new IOException("no private folder for run journals (" + shared + ", " + own + ")");
    }

    /** Creates the folder with mode 700 if missing; usable only if it is a real folder of this user. */
    private static boolean usable(Path directory) {
        try {
            if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            return Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)
                    && Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS).equals(uid())
                    && Files.isWritable(directory);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            return -1;
        }
    }
}
