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
 * <p>The journal starts with the machine's boot id and names each namespace by its
 * {@link NamespaceIdentity} (inode and cookie): a namespace named by a journal of another boot,
 * or by its inode alone, is never acted on.
 *
 * <p>The files live in {@code /run/netns-junit} (or, where that cannot be written, in a
 * {@code netns-junit-UID} folder of the temporary directory, UID being the real user outside any
 * user namespace), made by this user with mode 700; each file is created new with a name nobody
 * can predict, and never followed through a link.
 */
public final class RunJournal {

    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    private final Path file;
    private final String runId;
    private final FileChannel channel;

    private RunJournal(Path file, String runId, FileChannel channel) {
        this.file = file;
        this.runId = runId;
        this.channel = channel;
    }

    /** The first line of every journal: {@code boot BOOT_ID}. */
    public static String header() {
        return "boot " + bootId() + "\n";
    }

    private static String bootId() {
        try {
            return Files.readString(BOOT_ID).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * A new, empty file with an unpredictable name in this run's private hosts folder (apart from
     * captures, so that a disk filled by captures cannot break name resolution), never following
     * a link; the watchdog and the sweep delete the folder with the run.
     */
    static Path privateFile(String kind) throws IOException {
        Path folder = Reaper.get().privateFolder().orElseThrow(() -> new IOException("this run has no private folder"));
        Path file = folder.resolve(kind + "-" + UUID.randomUUID());
        Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")))
                .close();
        return file;
    }

    /** Creates and locks this run's journal. */
    static RunJournal create() throws IOException {
        Path directory = directory();
        String runId = UUID.randomUUID().toString();
        Path file = directory.resolve("run-" + runId + ".journal");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
        try {
            if (channel.tryLock() == null) {
                throw new IOException("cannot lock " + file);
            }
            channel.write(ByteBuffer.wrap(header().getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(file);
            throw e;
        }
        return new RunJournal(file, runId, channel);
    }

    /** The random id of this run, which also names its cgroup. */
    String runId() {
        return runId;
    }

    /** This run's folder for hosts files and spawn gates, made on first use; deleted with the journal. */
    synchronized Path privateDirectory() throws IOException {
        return subfolder(".private");
    }

    /**
     * A private folder for this run's files (captures), made on first use; the watchdog deletes it
     * with the journal when the JVM ends, however it ends.
     */
    synchronized Path filesDirectory() throws IOException {
        return subfolder(".files");
    }

    private Path subfolder(String suffix) throws IOException {
        Path folder = Path.of(file + suffix);
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return folder;
    }

    /** The file, for the watchdog to delete once it has cleaned up after this run. */
    Path file() {
        return file;
    }

    /** Records that this run owns ({@code +}) or released ({@code -}) these namespaces. */
    synchronized void record(char change, Set<NamespaceIdentity> namespaces) {
        StringBuilder lines = new StringBuilder();
        namespaces.forEach(namespace -> lines.append(change).append(namespace.line()).append('\n'));
        try {
            channel.write(ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            System.getLogger(RunJournal.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot write the run journal " + file + ": " + e);
        }
    }

    /**
     * Records that this run started ({@code *}) or reaped ({@code /}) the init of a topology's
     * PID namespace.
     */
    synchronized void recordInit(char change, PidNamespaceInit init) {
        try {
            channel.write(ByteBuffer.wrap((change + init.line() + "\n").getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            System.getLogger(RunJournal.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot write the run journal " + file + ": " + e);
        }
    }

    /**
     * The namespaces owned by live runs (by inode: never touched), those left by dead runs (whose
     * journals are then deleted), the ids of the dead runs (whose cgroups may be killed), and the
     * inits of PID namespaces the dead runs had not reaped.
     */
    record Census(Set<Long> live, Set<NamespaceIdentity> dead, List<String> deadRuns, Set<PidNamespaceInit> deadInits) {
    }

    /**
     * Reads every journal but this run's own: a journal whose lock is free belongs to a dead run.
     * Dead runs' journals are deleted once read.
     */
    static Census census(RunJournal self) {
        Set<Long> live = new HashSet<>();
        Set<NamespaceIdentity> dead = new HashSet<>();
        List<String> deadRuns = new ArrayList<>();
        Set<PidNamespaceInit> deadInits = new HashSet<>();
        List<Path> finished = new ArrayList<>();
        Path directory;
        try {
            directory = directory();
        } catch (IOException e) {
            return new Census(live, dead, deadRuns, deadInits);
        }
        try (DirectoryStream<Path> journals = Files.newDirectoryStream(directory, "run-*.journal")) {
            for (Path journal : journals) {
                if (self != null && journal.equals(self.file)) {
                    continue;
                }
                try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS)) {
                    List<String> lines = Files.readAllLines(journal, StandardCharsets.US_ASCII);
                    Set<NamespaceIdentity> owned = replay(lines);
                    FileLock lock = tryLock(channel);
                    if (lock == null) {
                        owned.forEach(namespace -> live.add(namespace.inode()));
                        liveInodes(lines).forEach(live::add);
                    } else {
                        if (thisBoot(lines)) {
                            dead.addAll(owned);
                            deadInits.addAll(replayInits(lines));
                            String name = journal.getFileName().toString();
                            deadRuns.add(name.substring("run-".length(), name.length() - ".journal".length()));
                        }
                        finished.add(journal);
                        lock.release();
                    }
                } catch (IOException | RuntimeException unreadable) {
                    // not ours to judge
                }
            }
        } catch (IOException e) {
            return new Census(live, dead, deadRuns, deadInits);
        }
        for (Path journal : finished) {
            try {
                deleteFiles(Path.of(journal + ".files"));
                deleteFiles(Path.of(journal + ".private"));
                Files.deleteIfExists(journal);
            } catch (IOException ignored) {
                // the next sweep tries again
            }
        }
        dead.removeIf(namespace -> live.contains(namespace.inode()));
        deleteStrayHostsFiles(directory);
        return new Census(live, dead, deadRuns, deadInits);
    }

    /** Whether a journal was written since this boot (cookies restart at boot). */
    private static boolean thisBoot(List<String> lines) {
        return !lines.isEmpty() && lines.get(0).equals(header().strip());
    }

    /**
     * The inodes a live run's journal still owns, with a cookie or not (older versions wrote none):
     * a live run's namespaces are never touched.
     */
    static Set<Long> liveInodes(List<String> lines) {
        Set<Long> inodes = new HashSet<>();
        for (String line : lines) {
            if (line.length() > 1 && (line.charAt(0) == '+' || line.charAt(0) == '-')) {
                String number = line.substring(1).split(":", 2)[0];
                try {
                    long inode = Long.parseLong(number);
                    if (line.charAt(0) == '+') {
                        inodes.add(inode);
                    } else {
                        inodes.remove(inode);
                    }
                } catch (NumberFormatException garbage) {
                    // a torn line
                }
            }
        }
        return inodes;
    }

    /**
     * Earlier versions wrote hosts files next to the journals, deleted a moment after their mount:
     * those of a JVM killed in that moment are deleted here once a minute old (no run needs them).
     */
    private static void deleteStrayHostsFiles(Path directory) {
        long minuteAgo = System.currentTimeMillis() - 60_000;
        try (DirectoryStream<Path> strays = Files.newDirectoryStream(directory, "hosts-*")) {
            for (Path stray : strays) {
                if (Files.isRegularFile(stray, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(stray, LinkOption.NOFOLLOW_LINKS).toMillis() < minuteAgo) {
                    Files.deleteIfExists(stray);
                }
            }
        } catch (IOException ignored) {
            // the next sweep tries again
        }
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

    /** The PID namespace inits a journal's lines started and did not reap ({@code *} and {@code /} lines). */
    static Set<PidNamespaceInit> replayInits(List<String> lines) {
        Set<PidNamespaceInit> running = new HashSet<>();
        for (String line : lines) {
            if (line.length() > 1 && (line.charAt(0) == '*' || line.charAt(0) == '/')) {
                PidNamespaceInit.parse(line.substring(1)).ifPresent(init -> {
                    if (line.charAt(0) == '*') {
                        running.add(init);
                    } else {
                        running.remove(init);
                    }
                });
            }
        }
        return running;
    }

    /** The namespaces still owned after a journal's lines (lines without a cookie prove nothing and are skipped). */
    static Set<NamespaceIdentity> replay(List<String> lines) {
        Set<NamespaceIdentity> owned = new HashSet<>();
        for (String line : lines) {
            if (line.length() < 2 || (line.charAt(0) != '+' && line.charAt(0) != '-')) {
                continue;
            }
            // a torn last line of a run killed mid-write parses to nothing
            NamespaceIdentity.parse(line.substring(1)).ifPresent(namespace -> {
                if (line.charAt(0) == '+') {
                    owned.add(namespace);
                } else {
                    owned.remove(namespace);
                }
            });
        }
        return owned;
    }

    /** The folder of run journals: {@code /run/netns-junit} for the machine's root, else a folder of the real user's. */
    static Path directory() throws IOException {
        long outer = outerUid();
        Path shared = Path.of("/run/netns-junit");
        String sharedProblem = outer == 0 ? problemWith(shared) : "only for the machine's root";
        if (sharedProblem == null) {
            return shared;
        }
        // the real user's id, not the one inside a user namespace (where everyone is 0)
        Path own = Path.of(System.getProperty("java.io.tmpdir"), "netns-junit-" + (outer < 0 ? "unknown" : outer));
        String ownProblem = problemWith(own);
        if (ownProblem == null) {
            return own;
        }
        throw new IOException("no private folder for run journals (" + shared + ": " + sharedProblem + "; " + own
                + ": " + ownProblem + ")");
    }

    /**
     * Creates the folder with mode 700 if missing; null if it is a real folder (no link) of this
     * user that nobody else may enter, else why not.
     */
    static String problemWith(Path directory) {
        try {
            if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                return "exists and is not a folder (a link or a file), so it is not ours";
            }
            Object owner = Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (!owner.equals(uid())) {
                return "exists and belongs to uid " + owner + ", not to this user; remove it or set java.io.tmpdir";
            }
            int mode = (Integer) Files.getAttribute(directory, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & 0077) != 0) {
                return "exists with mode " + Integer.toOctalString(mode & 0777) + ": others may enter it; it must be 700";
            }
            return Files.isWritable(directory) ? null : "cannot be written";
        } catch (IOException | RuntimeException e) {
            return e.toString();
        }
    }

    private static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            return -1;
        }
    }

    /** This user's id outside every user namespace, from {@code /proc/self/uid_map}; -1 if unknown. */
    static long outerUid() {
        try {
            return outerUid(uid(), Files.readAllLines(Path.of("/proc/self/uid_map")));
        } catch (IOException e) {
            return -1;
        }
    }

    /** Maps {@code uid} through the lines of a {@code uid_map} ("inside outside count"). Pure. */
    static long outerUid(long uid, List<String> uidMap) {
        for (String line : uidMap) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length == 3) {
                long inside = Long.parseLong(fields[0]);
                long outside = Long.parseLong(fields[1]);
                long count = Long.parseLong(fields[2]);
                if (uid >= inside && uid - inside < count) {
                    return outside + (uid - inside);
                }
            }
        }
        return -1;
    }
}
