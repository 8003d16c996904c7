package dev.netns.internal;

import dev.netns.internal.model.Cidr;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.model.Printable;

import dev.netns.NetnsException;
import dev.netns.internal.model.TopologyModel;
import dev.netns.internal.model.TopologyModel.BridgeSpec;
import dev.netns.internal.model.TopologyModel.EndSpec;
import dev.netns.internal.model.TopologyModel.NamespaceSpec;
import dev.netns.internal.model.TopologyModel.NatSpec;
import dev.netns.internal.model.TopologyModel.PortForwardSpec;
import dev.netns.internal.model.TopologyModel.RouteSpec;
import dev.netns.internal.model.TopologyModel.VethSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes a validated {@link TopologyModel} real, step by step, and takes it down again. If any
 * step fails, everything made so far is released before the error is thrown.
 */
public final class TopologyDeployment implements AutoCloseable {

    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final String RUN_ID = Long.toString(ProcessHandle.current().pid());
    private static final String RUN_SECRET = Long.toString(new java.security.SecureRandom().nextInt() & 0xfffffff, 36);

    private final TopologyModel model;
    private final Map<String, NamespaceHandle> namespaces = new LinkedHashMap<>();
    private boolean closed;

    private TopologyDeployment(TopologyModel model) {
        this.model = model;
    }

    /**
     * Creates everything {@code model} declares.
     *
     * @throws NetnsException naming the declaration whose step failed, after rolling back
     */
    public static TopologyDeployment deploy(TopologyModel model) {
        TopologyDeployment deployment = new TopologyDeployment(model);
        long started = System.nanoTime();
        try {
            deployment.createAll();
            RunStatistics.built(System.nanoTime() - started);
            return deployment;
        } catch (RuntimeException | Error e) {
            // an Error too (no more threads, out of memory): what was made must not outlive it
            try {
                deployment.close();
            } catch (RuntimeException | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            NamespacePool.shared().refill();
        }
    }

    /** The model this deployment made real. */
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
        if (hostsFile != null) {
            hostsFile.close();
        }
        RunStatistics.tornDown(System.nanoTime() - started, killedAtTeardown - killedBefore);
    }

    private HostsFile hostsFile;

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

    private final java.util.Set<java.util.List<String>> partitions = new java.util.HashSet<>();

    /**
     * Drops all traffic between namespaces {@code a} and {@code b} ({@code heal = false}), or
     * lets it pass again: each of the two drops, on the way in and out, every packet from or to an
     * address of the other. Third parties and forwarding through either are untouched.
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
        if (closed) {
            throw new NetnsException(action + ": the topology is closed");
        }
        java.util.List<String> pair = a.compareTo(b) < 0 ? java.util.List.of(a, b) : java.util.List.of(b, a);
        boolean changed = heal ? partitions.remove(pair) : partitions.add(pair);
        if (!changed) {
            return;
        }
        for (String name : pair) {
            java.util.Set<IpAddress> blocked = new java.util.LinkedHashSet<>();
            for (java.util.List<String> other : partitions) {
                if (other.contains(name)) {
                    String peer = other.get(0).equals(name) ? other.get(1) : other.get(0);
                    model.addressesOf(peer).forEach(cidr -> blocked.add(cidr.address()));
                }
            }
            step(action, "apply the partition rules in namespace '" + name + "'", () -> thread(name).run(() -> {
                NftablesNetlink.applyPartitions(blocked);
                return null;
            }));
        }
    }

    /** How long teardown waits for the processes inside to be gone. */
    private static final java.time.Duration KILL_TIMEOUT = java.time.Duration.ofSeconds(5);

    /**
     * Kills every process inside any namespace of the topology, however it was started, and
     * waits until they are gone: while this JVM still holds the namespaces, their inode numbers
     * are theirs alone.
     */
    private void killProcessesInside() {
        if (namespaces.values().stream().noneMatch(NamespaceHandle::mayHoldProcesses)) {
            return;
        }
        for (NamespaceHandle namespace : namespaces.values()) {
            killedAtTeardown += namespace.killPrograms();
        }
        killedAtTeardown += NamespaceProcesses.killAll(inodes(), KILL_TIMEOUT);
    }

    /** The inode numbers of the namespaces made so far. */
    private java.util.Set<Long> inodes() {
        java.util.Set<Long> inodes = new java.util.HashSet<>();
        namespaces.values().forEach(namespace -> inodes.add(namespace.inode()));
        return inodes;
    }

    /** Tells the watchdog before the namespaces are let go, so their inode numbers are never reused while protected. */
    private void releaseToWatchdog() {
        if (reaper != null) {
            reaper.release(inodes());
        }
    }

    private Reaper reaper;

    private int killedAtTeardown;

    /** How many processes teardown found still running inside the topology and killed. */
    public synchronized int killedAtTeardown() {
        return killedAtTeardown;
    }

    private void checkPrerequisites() {
        List<String> missing = Privileges.missing();
        if (!missing.isEmpty()) {
            throw new NetnsException(Privileges.explain(missing));
        }
    }

    private void createAll() {
        checkPrerequisites();
        long sequence = SEQUENCE.incrementAndGet();
        Reaper reaper = step("netns-junit", "start the watchdog", Reaper::get);
        Map<String, NamespaceThread> starting = new LinkedHashMap<>();
        try {
            for (NamespaceSpec spec : model.namespaces()) {
                // a random part, so that nobody can plant a file at /run/netns/<name> ahead of a keep()
                String realName = "netns-junit-" + RUN_ID + "-" + sequence + "-" + RUN_SECRET + "-" + spec.name();
                starting.put(spec.name(), NamespacePool.shared().take(realName, spec.forwarding()));
            }
            for (NamespaceSpec spec : model.namespaces()) {
                NamespaceThread thread = starting.remove(spec.name());
                step(spec.origin(), "create namespace", thread::await);
                try {
                    namespaces.put(spec.name(), new NamespaceHandle(spec.name(), thread, model, namespaces::get, this::hostsFile));
                } catch (RuntimeException | Error e) {
                    thread.close();
                    throw e;
                }
            }
        } finally {
            starting.values().forEach(NamespaceThread::close);
        }
        this.reaper = reaper;
        reaper.own(inodes());
        createLinksAndRoutes();
    }

    /**
     * NAT and bridges, then cables, then the far ends and routes. Within each phase every
     * namespace works through its own steps on its own thread, side by side with the others.
     */
    private void createLinksAndRoutes() {
        loopPorts.addAll(dev.netns.internal.model.SpanningTree.portsToBlock(model));
        StepPlan bridges = new StepPlan();
        for (NamespaceSpec spec : model.namespaces()) {
            List<NatSpec> nats = model.nats().stream().filter(nat -> nat.namespace().equals(spec.name())).toList();
            List<PortForwardSpec> forwards = model.portForwards().stream()
                    .filter(forward -> forward.namespace().equals(spec.name())).toList();
            if (NftRuleset.needed(nats, forwards)) {
                // the kernel does not say which rule it refused: name every NAT declaration of the namespace
                java.util.List<String> origins = new ArrayList<>();
                nats.forEach(nat -> origins.add(nat.origin()));
                forwards.forEach(forward -> origins.add(forward.origin()));
                String origin = String.join(" / ", origins);
                bridges.add(spec.name(), origin, "apply the NAT ruleset", () -> {
                    try {
                        if (forwards.stream().anyMatch(forward -> forward.to().isIpv4())) {
                            // lets connections to 127.0.0.1 be forwarded out (their source is masqueraded)
                            Sysctl.set("net/ipv4/conf/all/route_localnet", "1");
                        }
                        NftablesNetlink.apply(nats, forwards);
                    } catch (KernelException e) {
                        throw new NetnsException(origin + ": the kernel refused the NAT ruleset of namespace '" + spec.name()
                                + "': " + e.getMessage() + "\nruleset:\n" + NftRuleset.render(nats, forwards), e);
                    }
                });
            }
        }
        for (BridgeSpec bridge : model.bridges()) {
            bridges.add(bridge.namespace(), bridge.origin(), "create bridge " + bridge.name(), () -> {
                RouteNetlink netlink = thread(bridge.namespace()).routeNetlink();
                netlink.createBridge(bridge.name());
                for (Cidr cidr : bridge.cidrs()) {
                    netlink.addAddress(bridge.name(), cidr);
                }
                netlink.setUp(bridge.name(), true);
                setBridgeNetfilter(bridge);
            });
        }
        runSideBySide(bridges);

        StepPlan cables = new StepPlan();
        StepPlan farEndsAndRoutes = new StepPlan();
        for (VethSpec veth : model.veths()) {
            EndSpec left = veth.left();
            EndSpec right = veth.right();
            int rightFd = thread(right.namespace()).fd();
            cables.add(left.namespace(), veth.origin(), "create veth cable " + describe(left) + " - " + describe(right), () -> {
                thread(left.namespace()).routeNetlink().createVeth(left.interfaceName(), right.interfaceName(), rightFd);
                configureEnd(left);
            });
            farEndsAndRoutes.add(right.namespace(), veth.origin(), "configure end " + describe(right), () -> configureEnd(right));
        }
        runSideBySide(cables);
        for (RouteSpec route : model.routes()) {
            farEndsAndRoutes.add(route.namespace(), route.origin(), "add route",
                    () -> thread(route.namespace()).routeNetlink().addRoute(route.destination(), route.gateway()));
        }
        runSideBySide(farEndsAndRoutes);
        for (TopologyModel.ImpairSpec impair : model.impairments()) {
            step(impair.origin(), "impair " + impair.namespace() + ":" + impair.interfaceName(), () -> {
                namespaces.get(impair.namespace()).impair(impair.interfaceName(), impair.impairment());
                return null;
            });
        }
    }

    /** Kernel work for one step, run on its namespace's thread. */
    private interface Work {
        void run() throws Exception;
    }

    /** One step: its namespace, the declaration it serves, what it does, and its place in declaration order. */
    private record PlannedStep(int order, String origin, String action, Work work) {
    }

    /** The steps of one phase, by namespace, in declaration order within each. */
    private static final class StepPlan {

        private final Map<String, List<PlannedStep>> byNamespace = new LinkedHashMap<>();
        private int order;

        void add(String namespace, String origin, String action, Work work) {
            byNamespace.computeIfAbsent(namespace, key -> new ArrayList<>()).add(new PlannedStep(order++, origin, action, work));
        }
    }

    /**
     * Runs each namespace's steps in order on its thread, all namespaces at once, and waits for
     * all. If steps fail, the one declared first is reported.
     */
    private void runSideBySide(StepPlan plan) {
        List<java.util.concurrent.Future<PlannedFailure>> running = new ArrayList<>();
        for (Map.Entry<String, List<PlannedStep>> entry : plan.byNamespace.entrySet()) {
            running.add(thread(entry.getKey()).submit(() -> {
                for (PlannedStep step : entry.getValue()) {
                    try {
                        step.work().run();
                    } catch (Exception e) {
                        return new PlannedFailure(step, e);
                    }
                }
                return null;
            }));
        }
        PlannedFailure first = null;
        for (java.util.concurrent.Future<PlannedFailure> result : running) {
            PlannedFailure failure = awaitQuietly(result);
            if (failure != null && (first == null || failure.step().order() < first.step().order())) {
                first = failure;
            }
        }
        if (first != null) {
            PlannedFailure failure = first;
            step(failure.step().origin(), failure.step().action(), () -> {
                throw failure.cause();
            });
        }
    }

    /** A step that threw. */
    private record PlannedFailure(PlannedStep step, Exception cause) {
    }

    private static PlannedFailure awaitQuietly(java.util.concurrent.Future<PlannedFailure> result) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void configureEnd(EndSpec end) {
        RouteNetlink netlink = thread(end.namespace()).routeNetlink();
        if (end.isBridgePort()) {
            netlink.setMaster(end.interfaceName(), end.bridge());
        }
        if (end.mtu() != 0 || end.mac() != null) {
            netlink.setMtuAndMac(end.interfaceName(), end.mtu(), end.mac());
        }
        for (Cidr cidr : end.cidrs()) {
            netlink.addAddress(end.interfaceName(), cidr);
        }
        // a port that would close a loop of stp bridges is never brought up: no storm, not even for a moment
        if (!loopPorts.contains(end)) {
            netlink.setUp(end.interfaceName(), true);
        }
    }

    private final java.util.Set<EndSpec> loopPorts = new java.util.HashSet<>();

    private static String describe(EndSpec end) {
        return end.namespace() + ":" + end.interfaceName();
    }

    private void setBridgeNetfilter(BridgeSpec bridge) throws IOException {
        if (Sysctl.exists("net/bridge/bridge-nf-call-iptables")) {
            String value = bridge.netfilter() ? "1" : "0";
            Sysctl.set("net/bridge/bridge-nf-call-iptables", value);
            Sysctl.set("net/bridge/bridge-nf-call-ip6tables", value);
            Sysctl.set("net/bridge/bridge-nf-call-arptables", value);
        } else if (bridge.netfilter()) {
            throw new NetnsException(bridge.origin() + ": netfilter on bridged traffic was asked for, but the "
                    + "br_netfilter kernel module is not loaded (modprobe br_netfilter)");
        }
    }

    private NamespaceThread thread(String namespace) {
        return namespaces.get(namespace).thread();
    }

    private interface Step<T> {
        T run() throws Exception;
    }

    private static <T> T step(String origin, String action, Step<T> step) {
        try {
            return step.run();
        } catch (NetnsException e) {
            throw e;
        } catch (KernelException e) {
            throw new NetnsException(origin + ": " + action + " failed: " + e.getMessage(), e);
        } catch (com.sun.jna.LastErrorException e) {
            throw new NetnsException(origin + ": " + action + " failed: " + Libc.describe(e.getErrorCode()), e);
        } catch (Exception e) {
            throw new NetnsException(origin + ": " + action + " failed: " + e, e);
        }
    }
}
