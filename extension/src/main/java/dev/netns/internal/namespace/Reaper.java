package dev.netns.internal.namespace;

import dev.netns.internal.system.KernelException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure nothing outlives the JVM. Namespaces die with the JVM on their own (only this JVM
 * holds them), but a program started inside one would keep it alive. So, before the first
 * namespace is made, a small watchdog process is started in its own session; the JVM tells it
 * over a pipe which namespaces it owns, and the watchdog acknowledges each batch. When the pipe
 * closes (the JVM exited or was killed, even by SIGKILL) the watchdog kills every process still
 * inside those namespaces.
 *
 * <p>The JVM keeps the full list itself: a watchdog that died, or that stops answering within
 * {@link #ACK_TIMEOUT} (e.g. it was sent SIGSTOP), is replaced and the new one is told the whole
 * list again, as Testcontainers' Ryuk is sent its death note again. A namespace is released to
 * the watchdog before this JVM lets go of it, so its inode number cannot be reused by someone
 * else while the watchdog still protects it.
 *
 * <p>It also holds each topology's PID namespace (where there is one), whose init ends with
 * the JVM by itself; should that init be stopped, the watchdog kills everything else inside
 * from within ({@code kill -9 -1} in that namespace), naming no pid.
 *
 * <p>In case the watchdog dies together with its JVM, each run also records what it owns in a
 * {@link RunJournal} it holds locked; a later run sweeps processes left inside the namespaces of
 * runs whose lock is free, and never those of live runs or of the machine's own namespace.
 */
public final class Reaper {

    /** How long the JVM waits for the watchdog to acknowledge a message before replacing it. */
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);

    /** How long a new watchdog may take to answer for the first time (it has to start bash). */
    static final Duration FIRST_ACK_TIMEOUT = Duration.ofSeconds(15);

    private static final System.Logger LOG = System.getLogger(Reaper.class.getName());

    /*
     * The watchdog holds each namespace it is told of ("+INODE FILE": it opens FILE, the JVM's own
     * descriptor of that namespace, which the JVM keeps open until the release is acknowledged),
     * so that an inode it kills by is never another namespace's; at the end it kills the run's cgroup first, then what is left inside
     * the namespaces it holds (processes of ProcessBuilder in call(), outside the cgroup).
     */
    static final String SCRIPT = """
            declare -A owned
            declare -A pidns
            journal="$1"
            cgroup="$2"
            ulimit -n "$(ulimit -Hn)" 2>/dev/null
            # never the machine's namespace nor its own, whatever it is told: those hold everyone
            machine=$(stat -L -c %i /proc/1/ns/net 2>/dev/null)
            self=$(stat -L -c %i /proc/$$/ns/net 2>/dev/null)
            while IFS= read -r line; do
              case "$line" in
                +*) inode=${line%% *}; inode=${inode:1}; file=${line#* }
                    # no process is started here: the JVM waits for the acknowledgement
                    # (PID 1's namespace may be unreadable, in a container: then its own is the guard)
                    if [ -n "$self" ] && [ "$inode" != "$self" ] && [ "$inode" != "${machine:-$self}" ] \\
                        && exec {fd}<"$file"; then owned[$inode]=$fd; fi 2>/dev/null ;;
                -*) fd=${owned[${line:1}]:-}
                    if [ -n "$fd" ]; then exec {fd}<&-; fi
                    unset "owned[${line:1}]" ;;
                \\**) inode=${line%% *}; inode=${inode:1}; file=${line#* }
                    # a topology's PID namespace, never its own (nor the machine's): kill -1 there would hit everyone
                    if exec {fd}<"$file"; then
                      if [[ /proc/$$/fd/$fd -ef /proc/$$/ns/pid || /proc/$$/fd/$fd -ef /proc/1/ns/pid ]]; then
                        exec {fd}<&-
                      else pidns[$inode]=$fd; fi
                    fi 2>/dev/null ;;
                ~*) fd=${pidns[${line:1}]:-}
                    if [ -n "$fd" ]; then exec {fd}<&-; fi
                    unset "pidns[${line:1}]" ;;
                \\?*) echo "${line:1}" ;;
              esac
            done
            # the whole run's cgroup at once, then what is outside it; the cgroup is removed once empty
            if [ -n "$cgroup" ] && [ -d "$cgroup" ]; then echo 1 > "$cgroup/cgroup.kill"; fi 2>/dev/null
            # the PID namespaces' inits end with the JVM's pipe; should one be stopped, everything else
            # inside is killed from within (kill -1 spares only that init): no pid is trusted
            for fd in "${pidns[@]}"; do
              nsenter --pid=/proc/$$/fd/$fd -- bash -c 'kill -9 -1' </dev/null
            done >/dev/null 2>&1
            if [ ${#owned[@]} -gt 0 ]; then
              for attempt in $(seq 1 50); do
                victims=()
                while read -r inode path; do
                  pid=${path#/proc/}; pid=${pid%%/*}
                  [ -n "${owned[$inode]:-}" ] && [ "$pid" != "$$" ] && victims+=("$pid")
                done < <(stat -L -c '%i %n' /proc/[0-9]*/ns/net 2>/dev/null)
                [ ${#victims[@]} -eq 0 ] && break
                kill -9 "${victims[@]}" 2>/dev/null
                sleep 0.1
              done
            fi
            if [ -n "$cgroup" ] && [ -d "$cgroup" ]; then
              for attempt in $(seq 1 100); do
                grep -q "populated 0" "$cgroup/cgroup.events" && break
                sleep 0.05
              done
              for child in "$cgroup"/*/; do [ -d "$child" ] && rmdir "$child"; done
              rmdir "$cgroup"
            fi 2>/dev/null
            [ -n "$journal" ] && rm -rf -- "$journal.files" "$journal.private" && rm -f -- "$journal"
            """;

    private static Reaper instance;

    private final RunJournal journal;
    private final RunCgroup cgroup;
    private final Map<Long, NamespaceThread> owned = new HashMap<>();
    private final Map<Long, TopologyPidNamespace> ownedPidNamespaces = new HashMap<>();
    private Watchdog watchdog;
    private long sequence;
    private int replaced;

    private Reaper(RunJournal journal, RunCgroup cgroup) {
        this.journal = journal;
        this.cgroup = cgroup;
    }

    /** The watchdog of this JVM, started (after a sweep of dead runs' leftovers) on first use. */
    public static synchronized Reaper get() {
        if (instance == null) {
            RunJournal journal = null;
            try {
                journal = RunJournal.create();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "no run journal, so leftovers of this run cannot be swept by a later one "
                        + "if its watchdog dies too: " + e.getMessage());
            }
            sweepDeadRuns(journal);
            RunCgroup cgroup = journal == null ? null : RunCgroup.create(journal.runId()).orElse(null);
            Reaper reaper = new Reaper(journal, cgroup);
            synchronized (reaper) {
                try {
                    reaper.watchdog = reaper.startWatchdog();
                } catch (KernelException e) {
                    if (cgroup != null) {
                        RunCgroup.removeTree(cgroup.path());
                    }
                    throw e;
                }
            }
            instance = reaper;
        }
        return instance;
    }

    /**
     * A private folder for files of this run (captures), deleted by the watchdog when the JVM ends;
     * empty when the run has no journal folder.
     */
    public Optional<Path> runFiles() {
        if (journal == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(journal.filesDirectory());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * A private folder of this run for small files that must not share a disk with captures
     * (hosts files, spawn gates), deleted by the watchdog when the JVM ends.
     */
    public Optional<Path> privateFolder() {
        if (journal == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(journal.privateDirectory());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A new cgroup for one topology's processes; empty where this run has no cgroup. */
    public Optional<TopologyCgroup> newTopologyCgroup() {
        return cgroup == null ? Optional.empty() : Optional.ofNullable(cgroup.newTopology());
    }

    /**
     * A new PID namespace for one topology's processes, recorded in the run journal (so that a
     * later run can kill its init should it outlive this JVM); empty where none can be made.
     */
    public Optional<TopologyPidNamespace> newTopologyPidNamespace() {
        try {
            TopologyPidNamespace namespace = TopologyPidNamespace.create();
            synchronized (this) {
                ownedPidNamespaces.put(namespace.init().namespaceInode(), namespace);
                if (journal != null) {
                    journal.recordInit('*', namespace.init());
                }
                deliver(new StringBuilder(pidNamespaceLine(namespace)));
            }
            return Optional.of(namespace);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "no PID namespace for a topology (" + e.getMessage() + "): its "
                    + "teardown finds processes by their network namespace only");
            return Optional.empty();
        }
    }

    /**
     * Records that a topology's PID namespace is gone (its init reaped): the watchdog lets go of
     * it, then this JVM does.
     */
    public synchronized void pidNamespaceEnded(TopologyPidNamespace namespace) {
        ownedPidNamespaces.remove(namespace.init().namespaceInode());
        deliver(new StringBuilder("~" + namespace.init().namespaceInode() + "\n"));
        namespace.release();
        if (journal != null) {
            journal.recordInit('/', namespace.init());
        }
    }

    /** Tells the watchdog to hold a PID namespace through this JVM's descriptor of it. */
    private static String pidNamespaceLine(TopologyPidNamespace namespace) {
        return "*" + namespace.init().namespaceInode() + " /proc/" + ProcessHandle.current().pid() + "/fd/"
                + namespace.fd() + "\n";
    }

    /** The watchdog process, for tests. */
    public synchronized ProcessHandle process() {
        ensureWatchdog();
        return watchdog.process.toHandle();
    }

    /** How many times a dead or unresponsive watchdog was replaced, for tests and the run summary. */
    public synchronized int replacements() {
        return replaced;
    }

    /**
     * Tells the watchdog (and the run journal) that this JVM owns these namespaces; the watchdog
     * opens each through this JVM's descriptor and holds it.
     */
    public synchronized void own(Collection<NamespaceThread> namespaces) {
        namespaces.forEach(namespace -> owned.put(namespace.inode(), namespace));
        if (journal != null) {
            journal.record('+', identities(namespaces));
        }
        StringBuilder lines = new StringBuilder();
        namespaces.forEach(namespace -> lines.append(ownLine(namespace)));
        deliver(lines);
    }

    /**
     * Tells the watchdog that these namespaces are released. Teardown always goes on: a watchdog
     * that is gone or does not answer is replaced and told what is still owned.
     */
    public synchronized void release(Collection<NamespaceThread> namespaces) {
        namespaces.forEach(namespace -> owned.remove(namespace.inode()));
        StringBuilder lines = new StringBuilder();
        namespaces.forEach(namespace -> lines.append('-').append(namespace.inode()).append('\n'));
        deliver(lines);
        if (journal != null) {
            journal.record('-', identities(namespaces));
        }
    }

    private static Set<NamespaceIdentity> identities(Collection<NamespaceThread> namespaces) {
        Set<NamespaceIdentity> identities = new HashSet<>();
        namespaces.forEach(namespace -> identities.add(namespace.identity()));
        return identities;
    }

    private static String ownLine(NamespaceThread namespace) {
        return "+" + namespace.inode() + " /proc/" + ProcessHandle.current().pid() + "/fd/" + namespace.fd() + "\n";
    }

    private void deliver(StringBuilder lines) {
        if (!ensureWatchdog()) {
            // its replacement was just told everything still owned
            return;
        }
        if (watchdog.send(lines, ++sequence, watchdog.answered ? ACK_TIMEOUT : FIRST_ACK_TIMEOUT)) {
            return;
        }
        replace("it did not acknowledge within " + ACK_TIMEOUT.toMillis() + " ms");
    }

    /** Replaces a dead watchdog at once; says whether the current one was alive. */
    private boolean ensureWatchdog() {
        if (watchdog.process.isAlive()) {
            return true;
        }
        replace("it is gone");
        return false;
    }

    /** Stops the old watchdog, starts a new one and replays everything still owned to it. */
    private void replace(String why) {
        LOG.log(System.Logger.Level.WARNING, "replacing the netns-junit watchdog (pid " + watchdog.process.pid() + "): "
                + why + "; the new one is told the " + owned.size() + " namespaces still owned (and "
                + ownedPidNamespaces.size() + " PID namespaces)");
        watchdog.process.destroyForcibly();
        replaced++;
        try {
            watchdog = startWatchdog();
        } catch (KernelException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot replace the netns-junit watchdog: " + e.getMessage()
                    + "; programs left in namespaces of this run are only swept by the next run");
            return;
        }
        StringBuilder all = new StringBuilder();
        owned.values().forEach(namespace -> all.append(ownLine(namespace)));
        ownedPidNamespaces.values().forEach(namespace -> all.append(pidNamespaceLine(namespace)));
        if (!watchdog.send(all, ++sequence, FIRST_ACK_TIMEOUT)) {
            LOG.log(System.Logger.Level.ERROR, "the new netns-junit watchdog does not answer either; programs "
                    + "left in namespaces of this run are only swept by the next run");
        }
    }

    /**
     * Starts a watchdog and waits for its first answer: one that cannot run (no {@code bash}) fails
     * here at once, with its exit code, instead of every later message waiting for its timeout.
     */
    private Watchdog startWatchdog() {
        Watchdog started = launchWatchdog();
        if (!started.send(new StringBuilder(), ++sequence, FIRST_ACK_TIMEOUT)) {
            started.process.destroyForcibly();
            String how = started.process.isAlive() ? "did not answer within " + FIRST_ACK_TIMEOUT.toSeconds() + " s"
                    : "exited at once with code " + exitCode(started.process);
            throw new KernelException("start the netns-junit watchdog (it needs setsid from util-linux and bash on the PATH)",
                    "it " + how);
        }
        return started;
    }

    private static String exitCode(Process process) {
        try {
            return Integer.toString(process.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private Watchdog launchWatchdog() {
        try {
            Process process = new ProcessBuilder("setsid", "bash", "-c", SCRIPT, "netns-junit-reaper",
                    journal == null ? "" : journal.file().toString(), cgroup == null ? "" : cgroup.path().toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new Watchdog(process);
        } catch (IOException e) {
            throw new KernelException("start the netns-junit watchdog (it needs setsid from util-linux and bash)",
                    e.getMessage());
        }
    }

    /** One watchdog process: its input pipe and a reader of its acknowledgements. */
    private static final class Watchdog {

        private final Process process;
        private final OutputStream pipe;
        private final LinkedBlockingQueue<Long> acks = new LinkedBlockingQueue<>();
        private volatile boolean answered;

        Watchdog(Process process) {
            this.process = process;
            this.pipe = process.getOutputStream();
            HomeNamespace.thread(this::readAcks, "netns-watchdog-acks-" + process.pid()).start();
        }

        /**
         * Sends lines followed by an acknowledgement request and waits for the answer. Only one
         * batch is ever unanswered, so the pipe cannot fill up and block this JVM.
         */
        boolean send(StringBuilder lines, long sequence, Duration timeout) {
            try {
                pipe.write((lines + "?" + sequence + "\n").getBytes(StandardCharsets.US_ASCII));
                pipe.flush();
                long deadline = System.nanoTime() + timeout.toNanos();
                while (true) {
                    long left = deadline - System.nanoTime();
                    // in slices, so that a watchdog that died is noticed at once, not after the timeout
                    Long ack = acks.poll(Math.max(0, Math.min(left, 50_000_000)), TimeUnit.NANOSECONDS);
                    if (ack == null) {
                        if (left <= 0 || !process.isAlive() && acks.isEmpty()) {
                            return false;
                        }
                        continue;
                    }
                    if (ack == sequence) {
                        answered = true;
                        return true;
                    }
                }
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private void readAcks() {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    try {
                        acks.add(Long.parseLong(line.strip()));
                    } catch (NumberFormatException ignored) {
                        // only numbers are expected
                    }
                }
            } catch (IOException gone) {
                // the watchdog ended
            }
        }
    }

    /**
     * Kills the processes left inside namespaces of runs that are gone (their journal lock is
     * free), never inside a namespace a live run owns, nor in the machine's own namespace or this
     * JVM's.
     *
     * @return the pids killed
     */
    public static List<Long> sweepDeadRuns() {
        return sweepDeadRuns(instance == null ? null : instance.journal);
    }

    private static List<Long> sweepDeadRuns(RunJournal self) {
        RunJournal.Census census = RunJournal.census(self);
        int inCgroups = 0;
        for (String run : census.deadRuns()) {
            inCgroups += RunCgroup.killDeadRun(run);
        }
        try {
            RunCgroup.removeOrphans(RunJournal.directory());
        } catch (IOException noFolder) {
            // without journals, no cgroup can be told orphaned
        }
        Set<NamespaceIdentity> targets = new HashSet<>(census.dead());
        long machine = namespaceInode(Path.of("/proc/1/ns/net"));
        long own = namespaceInode(Path.of("/proc/self/ns/net"));
        targets.removeIf(target -> target.inode() == machine || target.inode() == own);
        if (instance != null) {
            synchronized (instance) {
                targets.removeIf(target -> instance.owned.containsKey(target.inode()));
            }
        }
        // first the PID namespaces: their inits take every process inside along
        List<Long> inits = new java.util.ArrayList<>();
        for (PidNamespaceInit init : census.deadInits()) {
            if (init.killIfStillRunning()) {
                inits.add(init.pid());
            }
        }
        List<Long> victims = new java.util.ArrayList<>(inits);
        if (!targets.isEmpty()) {
            victims.addAll(NamespaceProcesses.killVerified(targets, Duration.ofSeconds(2)));
        }
        RunStatistics.swept(victims.size() + inCgroups);
        if (!victims.isEmpty() || inCgroups > 0) {
            LOG.log(System.Logger.Level.INFO, "killed " + (victims.size() + inCgroups) + " processes left by dead "
                    + "netns-junit runs: " + inCgroups + " in their cgroups, the inits " + inits + " of their PID "
                    + "namespaces with everything inside, and " + victims.subList(inits.size(), victims.size()));
        }
        return victims;
    }

    private static Long namespaceInode(Path link) {
        try {
            return ((Number) Files.getAttribute(link, "unix:ino")).longValue();
        } catch (IOException | RuntimeException e) {
            return -1L;
        }
    }
}
