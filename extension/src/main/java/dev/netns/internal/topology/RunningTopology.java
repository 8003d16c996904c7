package dev.netns.internal.topology;

import dev.netns.Impairment;
import dev.netns.NetnsException;
import dev.netns.Partition;
import dev.netns.internal.deploy.TopologyDeployment;
import dev.netns.internal.fault.PartitionRules.Cut;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.model.Printable;
import dev.netns.internal.model.TopologyModel.ImpairSpec;
import dev.netns.internal.model.TopologyModel.NamespaceSpec;
import dev.netns.internal.model.TopologyModel;
import dev.netns.internal.namespace.Graveyard;
import dev.netns.internal.namespace.HostsFile;
import dev.netns.internal.namespace.NamespacePool;
import dev.netns.internal.namespace.NamespaceProcesses;
import dev.netns.internal.namespace.NamespaceThread;
import dev.netns.internal.namespace.NetlinkNamespaceKernel;
import dev.netns.internal.namespace.Reaper;
import dev.netns.internal.namespace.RunStatistics;
import dev.netns.internal.namespace.TopologyCgroup;
import dev.netns.internal.namespace.TopologyPidNamespace;
import dev.netns.internal.placement.Escape;
import dev.netns.internal.placement.Escapes;
import dev.netns.internal.placement.GhostPolicy;
import dev.netns.internal.placement.Ghosts;
import dev.netns.internal.placement.TopologyAddresses;
import dev.netns.internal.placement.TopologyNames;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Privileges;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A topology while it runs: its namespace handles, and what happens after it was built (keep,
 * close, partitions, the hosts file its programs see). Building is {@link TopologyDeployment}'s
 * job, over the kernel seam; this class adds the watchdog, the handles and the declared
 * impairments, and takes everything down again.
 */
public final class RunningTopology implements AutoCloseable {

    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final String RUN_ID = Long.toString(ProcessHandle.current().pid());
    private static final String RUN_SECRET = Long.toString(new SecureRandom().nextInt() & 0xfffffff, 36);

    /** How long teardown waits for the processes inside to be gone. */
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);

    private final TopologyModel model;
    private final Map<String, NamespaceHandle> namespaces = new LinkedHashMap<>();
    private final TopologyPartitions partitions;
    private Reaper reaper;
    private HostsFile hostsFile;
    private final Object cgroupLock = new Object();
    private TopologyCgroup cgroup;
    private TopologyPidNamespace pidNamespace;
    private boolean cgroupMade;
    private boolean cgroupClosed;
    private int killedAtTeardown;
    private boolean closed;
    private long idleBefore = Long.MAX_VALUE;
    private long builtAt = System.nanoTime();

    private RunningTopology(TopologyModel model) {
        this.model = model;
        this.partitions = new TopologyPartitions(model, namespaces);
    }

    /**
     * Builds everything {@code model} declares and starts watching over it.
     *
     * @throws NetnsException naming the declaration whose step failed, after rolling back
     */
    public static RunningTopology start(TopologyModel model) {
        List<String> missing = Privileges.missing();
        if (!missing.isEmpty()) {
            throw new NetnsException(Privileges.explain(missing));
        }
        long started = System.nanoTime();
        long idleBefore = Graveyard.nanosSinceLastClose();
        Reaper reaper = startWatchdog();
        long sequence = SEQUENCE.incrementAndGet();
        Map<String, NetlinkNamespaceKernel> kernels;
        try {
            // a random part, so that nobody can plant a file at /run/netns/<name> ahead of a keep()
            kernels = TopologyDeployment.deploy(model, NetlinkNamespaceKernel.fromPool(),
                    name -> "netns-junit-" + RUN_ID + "-" + sequence + "-" + RUN_SECRET + "-" + name);
        } finally {
            NamespacePool.shared().refill();
        }
        RunningTopology topology = new RunningTopology(model);
        try {
            for (NamespaceSpec spec : model.namespaces()) {
                topology.namespaces.put(spec.name(), new NamespaceHandle(spec.name(), kernels.get(spec.name()),
                        NamespaceAddresses.of(model, spec.name()), topology.namespaces, topology::hostsFile,
                        topology::cgroup, topology::pidNamespace));
            }
            topology.reaper = reaper;
            reaper.own(topology.threads());
            TopologyAddresses.register(topology.escapeKey(), topology.addressesByNamespace());
            TopologyNames.register(topology.inodes(), topology.namesForResolver());
            for (ImpairSpec impair : model.impairments()) {
                try {
                    topology.namespaces.get(impair.namespace()).impair(impair.interfaceName(), impair.impairment());
                } catch (KernelException e) {
                    throw new NetnsException(impair.origin() + ": impair " + impair.namespace() + ":"
                            + impair.interfaceName() + " failed: " + e.getMessage(), e);
                }
            }
            RunStatistics.built(System.nanoTime() - started);
            topology.idleBefore = idleBefore;
            topology.builtAt = System.nanoTime();
            return topology;
        } catch (RuntimeException | Error e) {
            // the handles made so far close their namespaces; the others are closed here
            kernels.forEach((name, kernel) -> {
                if (!topology.namespaces.containsKey(name)) {
                    kernel.close();
                }
            });
            try {
                topology.close();
            } catch (RuntimeException | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static Reaper startWatchdog() {
        try {
            return Reaper.get();
        } catch (KernelException e) {
            throw new NetnsException("netns-junit: start the watchdog failed: " + e.getMessage(), e);
        }
    }

    /** The model this topology was built from. */
    public TopologyModel model() {
        return model;
    }

    /** The running namespaces by logical name, in declaration order. */
    public Map<String, NamespaceHandle> namespaces() {
        return Collections.unmodifiableMap(namespaces);
    }

    /**
     * Leaves every namespace on the machine, named in {@code /run/netns}, and releases this
     * JVM's hold on them. Programs running inside are killed.
     *
     * @return logical name to machine name, for {@code ip netns exec NAME}
     */
    public synchronized Map<String, String> keep() {
        Map<String, String> kept = new LinkedHashMap<>();
        if (closed) {
            return kept;
        }
        closed = true;
        TopologyAddresses.unregister(escapeKey());
        TopologyNames.unregister(inodes());
        killProcessesInside();
        releaseToWatchdog();
        RuntimeException failure = null;
        for (NamespaceHandle namespace : namespaces.values()) {
            try {
                kept.put(namespace.name(), namespace.keep());
                RunStatistics.kept(namespace.realName());
            } catch (RuntimeException e) {
                namespace.close();
                failure = failure == null ? e : failure;
            }
        }
        if (hostsFile != null) {
            hostsFile.close();
        }
        if (failure != null) {
            throw new NetnsException("could not keep every namespace (kept: " + kept + "): " + failure.getMessage(), failure);
        }
        return kept;
    }

    /** Releases every namespace; the kernel removes their interfaces. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        int killedBefore = killedAtTeardown;
        // all threads wind down at once; then wait for each
        List<NamespaceHandle> reversed = new ArrayList<>(namespaces.values());
        Collections.reverse(reversed);
        killProcessesInside();
        releaseToWatchdog();
        reversed.forEach(NamespaceHandle::beginClose);
        reversed.forEach(NamespaceHandle::finishClose);
        reversed.forEach(NamespaceHandle::discardCaptures);
        Graveyard.topologyClosed(idleBefore, System.nanoTime() - builtAt);
        if (hostsFile != null) {
            hostsFile.close();
        }
        TopologyNames.unregister(inodes());
        String ghosts = lookForGhosts();
        RunStatistics.tornDown(System.nanoTime() - started, killedAtTeardown - killedBefore);
        List<Escape> escapes = TopologyAddresses.unregister(escapeKey());
        if (!escapes.isEmpty()) {
            throw new NetnsException(Escapes.explain(escapes) + (ghosts.isEmpty() ? "" : "\n" + ghosts));
        }
        if (!ghosts.isEmpty() && GhostPolicy.failsTheTest()) {
            throw new NetnsException(ghosts + "(" + GhostPolicy.PROPERTY + "=fail makes this a failure)");
        }
    }

    /**
     * Threads of this JVM still living in the namespaces just closed (only where JVM code was let
     * in: call(), a thread factory, @RunIn, path()); cut off and described, for the log and report.
     */
    private String lookForGhosts() {
        Map<Long, String> entered = new LinkedHashMap<>();
        namespaces.values().stream().filter(NamespaceHandle::mayHoldProcesses)
                .forEach(namespace -> entered.put(namespace.inode(), namespace.name()));
        if (entered.isEmpty()) {
            return "";
        }
        String found = Ghosts.findAndCutOff(entered, String.join(", ", namespaces.keySet()));
        if (found.isEmpty()) {
            GhostPolicy.keepReport("");
            return "";
        }
        String report = "Threads of this JVM still live in namespaces of the topology [" + String.join(", ", namespaces.keySet())
                + "] after it closed (ghosts). Their cables are gone and their sockets now fail at once; end them "
                + "before the test ends (shut down pools, event loops and clients you started inside):\n" + found;
        System.getLogger(RunningTopology.class.getName()).log(System.Logger.Level.WARNING, "netns-junit: " + report);
        GhostPolicy.keepReport(report);
        return report;
    }

    /** What escapes are charged to: the first namespace handle ({@link TopologyAddresses#takeFor}). */
    private Object escapeKey() {
        return namespaces.isEmpty() ? this : namespaces.values().iterator().next();
    }

    /** Each namespace name with its declared addresses (IPv4 first), for {@code InetAddress} on threads inside. */
    private Map<String, List<InetAddress>> namesForResolver() {
        Map<String, List<InetAddress>> names = new HashMap<>();
        for (NamespaceSpec spec : model.namespaces()) {
            List<InetAddress> addresses = new ArrayList<>();
            model.addressesOf(spec.name()).stream().map(cidr -> cidr.address())
                    .sorted(Comparator.comparing(address -> !address.isIpv4()))
                    .forEach(address -> {
                        try {
                            addresses.add(InetAddress.getByAddress(spec.name(), address.bytes()));
                        } catch (UnknownHostException impossible) {
                            throw new IllegalStateException(impossible);
                        }
                    });
            if (!addresses.isEmpty()) {
                names.put(spec.name(), addresses);
            }
        }
        return names;
    }

    /** Every declared address of the topology, with the logical name of its namespace. */
    private Map<IpAddress, String> addressesByNamespace() {
        Map<IpAddress, String> addresses = new HashMap<>();
        for (NamespaceSpec spec : model.namespaces()) {
            model.addressesOf(spec.name()).forEach(cidr -> addresses.putIfAbsent(cidr.address(), spec.name()));
        }
        return addresses;
    }

    /**
     * The cgroup that holds every program of the topology, made on first use (the first program
     * started); null where the run has none, and once the topology is closed (then no program
     * may start).
     */
    private TopologyCgroup cgroup() {
        // not the topology's lock: close() holds that while it waits for the namespace threads
        synchronized (cgroupLock) {
            if (cgroupClosed) {
                throw new NetnsException("the topology is closed: no program may start in it any more");
            }
            if (!cgroupMade) {
                cgroupMade = true;
                // -Dnetns.cgroup=false: teardown by enumeration only (to compare, or where cgroups misbehave)
                boolean wanted = !"false".equals(System.getProperty("netns.cgroup"));
                cgroup = reaper == null || !wanted ? null : reaper.newTopologyCgroup().orElse(null);
                if (reaper != null && wantsPidNamespace(cgroup != null)) {
                    pidNamespace = reaper.newTopologyPidNamespace().orElse(null);
                }
            }
            return cgroup;
        }
    }

    /**
     * Whether the topology's programs are born in a PID namespace of its own: by default only
     * where there is no cgroup (rootless), which then gives the same guarantee; {@code
     * -Dnetns.pidns=always} adds it to the cgroup, {@code never} turns it off.
     */
    static boolean wantsPidNamespace(boolean hasCgroup) {
        String choice = System.getProperty("netns.pidns", "auto");
        return choice.equals("always") || !choice.equals("never") && !hasCgroup;
    }

    /**
     * The PID namespace every program of the topology is born in, made with the cgroup (see
     * {@link #wantsPidNamespace}); null where there is none.
     *
     * @throws NetnsException once the topology is closed
     */
    private TopologyPidNamespace pidNamespace() {
        synchronized (cgroupLock) {
            cgroup();
            return pidNamespace;
        }
    }

    /**
     * The cgroup holding every program of this topology (for pausing them all with
     * {@link TopologyCgroup#freeze}); empty where the run has none. Made on first use.
     *
     * @throws NetnsException once the topology is closed
     */
    public java.util.Optional<TopologyCgroup> programCgroup() {
        return java.util.Optional.ofNullable(cgroup());
    }

    /** The topology's hosts file, made on first use (the first program started). */
    private synchronized HostsFile hostsFile() {
        if (hostsFile == null) {
            Map<String, String> names = new LinkedHashMap<>();
            Map<String, String> names6 = new LinkedHashMap<>();
            for (NamespaceSpec spec : model.namespaces()) {
                model.firstAddress(spec.name()).ifPresent(address -> names.put(spec.name(), address.toString()));
                model.firstAddress6(spec.name()).ifPresent(address -> names6.put(spec.name(), address.toString()));
            }
            hostsFile = HostsFile.create(HostsFile.render(names, names6));
        }
        return hostsFile;
    }

    /**
     * Drops all traffic between namespaces {@code a} and {@code b} ({@code heal = false}), or
     * lets it pass again: each of the two drops on the way in every packet from an address of the
     * other. Third parties and forwarding through either are untouched.
     */
    public synchronized void partition(String a, String b, boolean heal) {
        String action = (heal ? "heal(" : "partition(") + '"' + Printable.of(a) + "\", \"" + Printable.of(b) + "\")";
        for (String name : new String[] {a, b}) {
            if (name == null || !namespaces.containsKey(name)) {
                throw new NetnsException(action + ": no namespace '" + Printable.of(name) + "' in this topology (it has: "
                        + String.join(", ", namespaces.keySet()) + ")");
            }
        }
        if (a.equals(b)) {
            throw new NetnsException(action + ": a namespace cannot be partitioned from itself");
        }
        requireOpen(action);
        List<String> pair = a.compareTo(b) < 0 ? List.of(a, b) : List.of(b, a);
        if (heal) {
            partitions.remove(pair, action);
        } else {
            partitions.add(pair, new Cut(Map.of(a, Set.of(b), b, Set.of(a)), false), action);
        }
    }

    /** Makes {@code partition} hold (a no-op when an equal one already holds). */
    public synchronized void partition(Partition partition) {
        String action = "partition(" + partition + ")";
        requireOpen(action);
        Map<String, Set<String>> grudge;
        try {
            grudge = partition.grudge(namespaces.keySet());
        } catch (IllegalArgumentException e) {
            throw new NetnsException(action + ": " + e.getMessage(), e);
        }
        partitions.add(partition, new Cut(grudge, partition.isRejecting()), action);
    }

    /** Removes {@code partition} when it holds; other partitions stay. */
    public synchronized void heal(Partition partition) {
        String action = "heal(" + partition + ")";
        requireOpen(action);
        partitions.remove(partition, action);
    }

    /** Removes every partition, those of {@link #partition(String, String, boolean)} included. */
    public synchronized void healAll() {
        requireOpen("heal()");
        partitions.clear("heal()");
    }

    /** The partitions that hold, in words, for reports. */
    public List<String> partitions() {
        return partitions.holding().stream().map(key -> key instanceof List<?> pair
                ? "partition(" + pair.get(0) + ", " + pair.get(1) + ")" : key.toString()).toList();
    }

    /**
     * Breaks every TCP connection between {@code a} and {@code b} now, found in both namespaces
     * through sock_diag, so that both ends see it at once.
     */
    public void resetConnections(String a, String b) {
        String action = "resetConnections(\"" + Printable.of(a) + "\", \"" + Printable.of(b) + "\")";
        NamespaceHandle first;
        NamespaceHandle second;
        synchronized (this) {
            first = existing(a, action);
            second = existing(b, action);
            requireOpen(action);
        }
        List<IpAddress> addressesA = addresses(a);
        List<IpAddress> addressesB = addresses(b);
        try {
            ConnectionReset.reset(new ConnectionReset.Side(first, addressesA, addressesB),
                    new ConnectionReset.Side(second, addressesB, addressesA));
        } catch (KernelException e) {
            throw new NetnsException(action + ": " + e.getMessage(), e);
        }
    }

    private NamespaceHandle existing(String name, String action) {
        NamespaceHandle handle = name == null ? null : namespaces.get(name);
        if (handle == null) {
            throw new NetnsException(action + ": no namespace '" + Printable.of(name) + "' in this topology (it has: "
                    + String.join(", ", namespaces.keySet()) + ")");
        }
        return handle;
    }

    private List<IpAddress> addresses(String namespace) {
        return model.addressesOf(namespace).stream().map(dev.netns.internal.model.Cidr::address).toList();
    }

    /**
     * Checks that the topology still runs.
     *
     * @throws NetnsException naming {@code action} when it was closed
     */
    public synchronized void requireRunning(String action) {
        requireOpen(action);
    }

    private void requireOpen(String action) {
        if (closed) {
            throw new NetnsException(action + ": the topology is closed");
        }
    }

    /**
     * Impairs only what namespace {@code from} sends to namespace {@code to}'s addresses, on every
     * interface it may leave {@code from} by, whatever cable, bridge or router lies between
     * ({@code impairment} null: removes it). Packets {@code from} forwards for others, and every
     * other pair, are untouched.
     */
    public synchronized void impairPair(String from, String to, Impairment impairment) {
        String action = (impairment == null ? "clearImpairment(" : "impair(") + '"' + Printable.of(from) + "\", \""
                + Printable.of(to) + "\"" + (impairment == null ? ")" : ", " + impairment + ")");
        for (String name : new String[] {from, to}) {
            if (name == null || !namespaces.containsKey(name)) {
                throw new NetnsException(action + ": no namespace '" + Printable.of(name) + "' in this topology (it has: "
                        + String.join(", ", namespaces.keySet()) + ")");
            }
        }
        if (from.equals(to)) {
            throw new NetnsException(action + ": a namespace's traffic to itself never leaves it");
        }
        if (closed) {
            throw new NetnsException(action + ": the topology is closed");
        }
        List<IpAddress> sources = model.addressesOf(from).stream().map(cidr -> cidr.address()).toList();
        List<IpAddress> destinations = model.addressesOf(to).stream().map(cidr -> cidr.address()).toList();
        if (impairment != null && (sources.isEmpty() || destinations.isEmpty())) {
            throw new NetnsException(action + ": namespace '" + (sources.isEmpty() ? from : to)
                    + "' has no address declared, so its packets cannot be told apart");
        }
        try {
            namespaces.get(from).impairPair(to, sources, destinations, impairment);
        } catch (KernelException e) {
            throw new NetnsException(action + ": " + e.getMessage(), e);
        } catch (NetnsException e) {
            throw new NetnsException(action + ": " + e.getMessage(), e);
        }
    }

    /**
     * Kills every process inside any namespace of the topology, however it was started, and
     * waits until they are gone: while this JVM still holds the namespaces, their inode numbers
     * are theirs alone.
     */
    private void killProcessesInside() {
        TopologyCgroup made;
        TopologyPidNamespace pids;
        synchronized (cgroupLock) {
            cgroupClosed = true;
            made = cgroup;
            pids = pidNamespace;
        }
        if (made != null) {
            // first the containment: whatever the programs started, wherever it went
            killedAtTeardown += made.killAll();
        }
        if (pids != null) {
            // the kernel kills everything in it; the programs this JVM started wait below to be reaped
            pids.kill();
        }
        if (namespaces.values().stream().anyMatch(NamespaceHandle::mayHoldProcesses)) {
            for (NamespaceHandle namespace : namespaces.values()) {
                killedAtTeardown += namespace.killPrograms();
            }
            killedAtTeardown += NamespaceProcesses.killAll(inodes(), KILL_TIMEOUT);
        }
        if (pids != null && pids.awaitEnd() && reaper != null) {
            reaper.pidNamespaceEnded(pids);
        }
    }

    /** The inode numbers of the namespaces made so far. */
    private Set<Long> inodes() {
        Set<Long> inodes = new HashSet<>();
        namespaces.values().forEach(namespace -> inodes.add(namespace.inode()));
        return inodes;
    }

    /** The threads of the namespaces made so far. */
    private List<NamespaceThread> threads() {
        List<NamespaceThread> threads = new ArrayList<>();
        namespaces.values().forEach(namespace -> threads.add(namespace.thread()));
        return threads;
    }

    /** Tells the watchdog before the namespaces are let go, so their inode numbers are never reused while protected. */
    private void releaseToWatchdog() {
        if (reaper != null) {
            reaper.release(threads());
        }
    }

    /** How many processes teardown found still running inside the topology and killed. */
    public synchronized int killedAtTeardown() {
        return killedAtTeardown;
    }
}
