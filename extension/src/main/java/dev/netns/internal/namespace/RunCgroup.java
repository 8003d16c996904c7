package dev.netns.internal.namespace;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This run's cgroup (v2): {@code <cgroup2 mount>/netns-junit/run-<run id>}, with one child per
 * topology ({@link TopologyCgroup}). Every program a topology starts is put in its topology's
 * cgroup before it runs a single instruction of its own, so everything it ever starts stays in
 * there, whatever namespace it moves to ({@code unshare -n}), however it forks or daemonizes:
 * {@code cgroup.kill} then ends them all at once. The watchdog kills the whole run's cgroup when
 * the JVM dies, and a later run kills the cgroup of a dead run (found by its journal's id).
 *
 * <p>Where no cgroup v2 with {@code cgroup.kill} (Linux 5.14) can be written (rootless without a
 * delegated cgroup, old kernels), there is none, and teardown finds processes by their network
 * namespace only.
 */
public final class RunCgroup {

    private static final System.Logger LOG = System.getLogger(RunCgroup.class.getName());
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    /** How long a run's cgroup must be unchanged before a sweep that finds no journal of it removes it. */
    static final Duration ORPHAN_AGE = Duration.ofHours(1);

    private final Path path;
    private final AtomicLong topologies = new AtomicLong();

    private RunCgroup(Path path) {
        this.path = path;
    }

    /** Makes this run's cgroup, or says (in the log) why there is none. */
    static Optional<RunCgroup> create(String runId) {
        Optional<Path> base = base();
        if (base.isEmpty()) {
            return Optional.empty();
        }
        Path path = base.get().resolve("run-" + runId);
        try {
            Files.createDirectory(path);
            return Optional.of(new RunCgroup(path));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.INFO, "no cgroup for this run (" + e + "): teardown finds processes by their "
                    + "network namespace only");
            return Optional.empty();
        }
    }

    /** The folder of this run's cgroup, for the watchdog to kill. */
    Path path() {
        return path;
    }

    /**
     * A new, empty cgroup for one topology; the run's own is made again first if it went away
     * (a sweep that could not see this run's journal, e.g. from a private mount namespace, may
     * have removed it while it was empty).
     */
    public TopologyCgroup newTopology() {
        Path child = path.resolve("t" + topologies.incrementAndGet());
        try {
            Files.createDirectories(path);
            Files.createDirectory(child);
            try {
                return new TopologyCgroup(child);
            } catch (IOException e) {
                Files.deleteIfExists(child);
                throw e;
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot make a cgroup for a topology (" + e + "): its teardown finds "
                    + "processes by their network namespace only");
            return null;
        }
    }

    /** Kills everything left in the cgroup of a dead run and removes it; nothing if it has none. */
    static int killDeadRun(String runId) {
        Optional<Path> base = base();
        if (base.isEmpty() || runId.contains("/") || runId.startsWith(".")) {
            return 0;
        }
        Path run = base.get().resolve("run-" + runId);
        if (!Files.isDirectory(run, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int killed = TopologyCgroup.killTree(run);
        removeTree(run);
        return killed;
    }

    /**
     * Removes the empty cgroups of runs that have no journal any more in {@code journals} (a run
     * whose watchdog could not finish) and that have not changed for {@link #ORPHAN_AGE}. A live
     * run always has its journal, but not always where this run looks (another mount namespace),
     * so a cgroup that changed lately is left alone, and a live run makes its own again when it
     * needs it; a cgroup that still holds a process is never removed (rmdir refuses).
     */
    static void removeOrphans(Path journals) {
        removeOrphans(journals, ORPHAN_AGE, "run-");
    }

    /** As {@link #removeOrphans(Path)}, for cgroups named {@code prefix...} unchanged for at least {@code age}. */
    static void removeOrphans(Path journals, Duration age, String prefix) {
        Optional<Path> base = base();
        if (base.isEmpty()) {
            return;
        }
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(base.get(), prefix + "*")) {
            for (Path run : runs) {
                String name = run.getFileName().toString();
                if (Files.isDirectory(run, LinkOption.NOFOLLOW_LINKS)
                        && !Files.exists(journals.resolve(name + ".journal"), LinkOption.NOFOLLOW_LINKS)
                        && unchangedFor(run, age) && !TopologyCgroup.populatedTree(run)) {
                    removeTree(run);
                }
            }
        } catch (IOException ignored) {
            // the next sweep tries again
        }
    }

    private static boolean unchangedFor(Path run, Duration age) throws IOException {
        Instant changed = Files.getLastModifiedTime(run, LinkOption.NOFOLLOW_LINKS).toInstant();
        return !changed.plus(age).isAfter(Instant.now());
    }

    /** Removes a cgroup and its children, deepest first (each must be empty of processes). */
    static void removeTree(Path cgroup) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(cgroup, Files::isDirectory)) {
            for (Path child : entries) {
                removeTree(child);
            }
        } catch (IOException ignored) {
            // gone already
        }
        try {
            Files.deleteIfExists(cgroup);
        } catch (IOException stillBusy) {
            LOG.log(System.Logger.Level.DEBUG, "cannot remove cgroup " + cgroup + ": " + stillBusy);
        }
    }

    /**
     * Where run cgroups live: {@code netns-junit} at the top of the cgroup2 hierarchy for the
     * machine's root; for anyone else the JVM's own cgroup, if it was delegated to this user
     * (systemd's {@code user@.service}). Only if {@code cgroup.kill} exists there.
     */
    static Optional<Path> base() {
        Optional<Path> mount = mountPoint();
        if (mount.isEmpty()) {
            return Optional.empty();
        }
        Path candidate;
        if (RunJournal.outerUid() == 0) {
            candidate = mount.get().resolve("netns-junit");
            try {
                if (!Files.isDirectory(candidate, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(candidate);
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        } else {
            Optional<String> own = ownCgroup();
            if (own.isEmpty()) {
                return Optional.empty();
            }
            candidate = mount.get().resolve(own.get().substring(1));
            if (!Files.isWritable(candidate) || !Files.isWritable(candidate.resolve("cgroup.procs"))) {
                return Optional.empty();
            }
        }
        return Files.exists(candidate.resolve("cgroup.kill")) || hasKillSupport(mount.get()) ? Optional.of(candidate)
                : Optional.empty();
    }

    /** The top cgroup has no cgroup.kill; a child has it where the kernel does (5.14+). */
    private static boolean hasKillSupport(Path mount) {
        try (var entries = Files.list(mount)) {
            return entries.filter(Files::isDirectory).anyMatch(child -> Files.exists(child.resolve("cgroup.kill")));
        } catch (IOException e) {
            return false;
        }
    }

    /** The cgroup2 mount point, from {@code /proc/self/mountinfo}. */
    static Optional<Path> mountPoint() {
        try {
            for (String line : Files.readAllLines(MOUNTINFO)) {
                Optional<Path> point = cgroup2MountPoint(line);
                if (point.isPresent()) {
                    return point;
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The mount point of one mountinfo line if it is a cgroup2 mount of the whole hierarchy. Pure. */
    static Optional<Path> cgroup2MountPoint(String mountinfoLine) {
        String[] halves = mountinfoLine.split(" - ", 2);
        if (halves.length < 2 || !halves[1].startsWith("cgroup2 ")) {
            return Optional.empty();
        }
        String[] fields = halves[0].split(" ");
        // fields: id parent major:minor root mountpoint ...; only a mount of the hierarchy's root
        return fields.length > 4 && fields[3].equals("/") ? Optional.of(Path.of(fields[4])) : Optional.empty();
    }

    /** This JVM's cgroup v2 path ("0::/path"), from {@code /proc/self/cgroup}. */
    private static Optional<String> ownCgroup() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/cgroup"));
            return lines.stream().filter(line -> line.startsWith("0::/")).map(line -> line.substring(3)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
