package dev.netns.internal.topology;

import dev.netns.AddressInfo;
import dev.netns.Capture;
import dev.netns.Command;
import dev.netns.Impairment;
import dev.netns.ImpairmentStatistics;
import dev.netns.Link;
import dev.netns.LinkInfo;
import dev.netns.NeighbourInfo;
import dev.netns.NetNs;
import dev.netns.NetnsException;
import dev.netns.PingResult;
import dev.netns.Program;
import dev.netns.RouteInfo;
import dev.netns.SocketInfo;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.model.Printable;
import dev.netns.internal.model.Timeouts;
import dev.netns.internal.model.Spelling;
import dev.netns.internal.model.TopologyModel.RouteSpec;
import dev.netns.internal.namespace.HostsFile;
import dev.netns.internal.namespace.IcmpPing;
import dev.netns.internal.namespace.NamespaceProcesses;
import dev.netns.internal.namespace.NamespaceThread;
import dev.netns.internal.namespace.NetlinkNamespaceKernel;
import dev.netns.internal.namespace.TopologyCgroup;
import dev.netns.internal.namespace.TopologyPidNamespace;
import dev.netns.internal.netlink.NetlinkInspector;
import dev.netns.internal.netlink.NetlinkSocket;
import dev.netns.internal.netlink.SockDiag;
import dev.netns.internal.placement.NamespacePlacement;
import dev.netns.internal.program.CommandBuilder;
import dev.netns.internal.program.ProgramRunner;
import dev.netns.internal.system.Errno;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.traffic.LinkShaper;
import dev.netns.internal.traffic.PacketRecorder;
import java.io.IOException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

/** The {@link NetNs} of a running topology: a logical name over a {@link NamespaceThread}. */
public final class NamespaceHandle implements NetNs, AutoCloseable {


    private final String name;
    private final NamespaceThread thread;
    private final NetlinkNamespaceKernel kernel;
    private final NamespaceAddresses declared;
    private final ProgramRunner programs;
    private final long inode;
    private volatile boolean entered;
    private volatile boolean hostsMounted;
    private final List<PacketRecorder> captures = new CopyOnWriteArrayList<>();
    private final Supplier<HostsFile> hostsFile;
    private final Map<String, NamespaceHandle> peers;
    private final NamespacePlacement placement;

    NamespaceHandle(String name, NetlinkNamespaceKernel kernel, NamespaceAddresses declared,
            Map<String, NamespaceHandle> peers, Supplier<HostsFile> hostsFile, Supplier<TopologyCgroup> cgroup,
            Supplier<TopologyPidNamespace> pids) {
        this.peers = peers;
        this.hostsFile = hostsFile;
        this.name = name;
        this.kernel = kernel;
        this.thread = kernel.thread();
        this.declared = declared;
        this.programs = new ProgramRunner(this.thread, name, cgroup, pids);
        this.inode = this.thread.inode();
        this.placement = new NamespacePlacement(this.thread, name);
    }

    @Override
    public String name() {
        return name;
    }

    /** The unique name of this namespace on the machine. */
    public String realName() {
        return thread.realName();
    }

    /** The namespace's inode number, which identifies it machine-wide while it exists. */
    public long inode() {
        return inode;
    }

    @Override
    public Path path() {
        entered = true;
        return thread.path();
    }

    @Override
    public Command command(String... command) {
        CommandBuilder builder = new CommandBuilder(programs, name, command);
        entered = true;
        giveProgramsTheHostsFile();
        return builder;
    }

    /** Once per namespace, before its first program: the topology's names in {@code /etc/hosts}. */
    private void giveProgramsTheHostsFile() {
        if (!hostsMounted) {
            synchronized (this) {
                if (!hostsMounted) {
                    HostsFile hosts = hostsFile.get();
                    onThread(() -> hosts.mountForCallingThread());
                    hostsMounted = true;
                }
            }
        }
    }

    /** Whether anything may have started a process inside: exec, start, call, or the path handed out. */
    boolean mayHoldProcesses() {
        return entered;
    }

    /** The programs started here that are still tracked, for reports. */
    public List<Program> programs() {
        return List.copyOf(programs.running());
    }

    @Override
    public PingResult ping(String address, Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new NetnsException("ping from namespace '" + name + "': the timeout must be zero or positive, not " + timeout);
        }
        String resolved = resolve(address, "ping from namespace '" + name + "'");
        IpAddress target = IpAddress.parse(resolved);
        if (target.isUnspecified()) {
            // the kernel delivers an echo to 0.0.0.0 or :: to the sender itself: "reachable" would be a lie
            throw new NetnsException("ping " + resolved + " from namespace '" + name + "': " + resolved + " is the "
                    + "unspecified address, which names no host; ping an address of the topology");
        }
        Duration wait = Timeouts.clamp(timeout);
        try {
            IcmpPing.Outcome outcome = thread.runUnchecked(() -> IcmpPing.ping(target, wait));
            return new PingResult(name, resolved, outcome.reachable(), outcome.description(),
                    java.util.Optional.ofNullable(outcome.roundTrip()));
        } catch (KernelException e) {
            throw new NetnsException("ping " + resolved + " from namespace '" + name + "': " + e.getMessage(), e);
        }
    }

    /**
     * An address as given, or the first address of the namespace so named.
     *
     * @throws NetnsException naming {@code action} when it is neither
     */
    public String resolve(String addressOrName, String action) {
        if (addressOrName == null || addressOrName.isBlank()) {
            throw new NetnsException(action + ": an address or a namespace name is required");
        }
        try {
            return IpAddress.parse(addressOrName).toString();
        } catch (IllegalArgumentException notAnAddress) {
            NamespaceHandle named = peers.get(addressOrName);
            if (named != null) {
                return named.firstAddressOfAnyFamily();
            }
            String guess = Spelling.closest(addressOrName, peers.keySet())
                    .map(close -> "did you mean '" + close + "'? ").orElse("");
            throw new NetnsException(action + ": '" + Printable.of(addressOrName) + "' is neither an IP address nor a "
                    + "namespace of this topology (" + guess + "its namespaces: " + String.join(", ", peers.keySet())
                    + "; " + notAnAddress.getMessage() + ")");
        }
    }

    @Override
    public Link link(String interfaceName) {
        requireInterface(interfaceName, "namespace '" + name + "'");
        return new LinkHandle(this, interfaceName);
    }

    /** Fails, naming the interfaces that exist (and the likely one), when {@code interfaceName} is not one here. */
    private void requireInterface(String interfaceName, String where) {
        List<String> existing = links().stream().map(LinkInfo::name).toList();
        if (interfaceName == null || !existing.contains(interfaceName)) {
            String guess = Spelling.closest(interfaceName, existing).map(close -> "did you mean '" + close + "'? ")
                    .orElse("");
            throw new NetnsException(where + " has no interface '" + Printable.of(interfaceName) + "' (" + guess
                    + "it has: " + String.join(", ", existing) + ")");
        }
    }

    @Override
    public Capture capture(String interfaceName) {
        if (interfaceName == null) {
            throw new NetnsException("capture in namespace '" + name + "': the interface name is null");
        }
        requireInterface(interfaceName, "capture: namespace '" + name + "'");
        PacketRecorder recorder;
        try {
            recorder = thread.runUnchecked(() -> PacketRecorder.open(name, interfaceName));
        } catch (KernelException | IllegalStateException e) {
            throw new NetnsException("capture on " + interfaceName + " in namespace '" + name + "': " + e.getMessage(), e);
        }
        captures.add(recorder);
        return recorder;
    }

    /** The captures started here, for reports. */
    public List<Capture> captures() {
        return List.copyOf(captures);
    }

    @Override
    public String address6() {
        return declared.first6()
                .map(IpAddress::toString)
                .orElseThrow(() -> new NetnsException("namespace '" + name + "' has no IPv6 address declared; "
                        + "give one of its cable ends an IPv6 address (e.g. leftAddress = \"fd00::1/64\")"));
    }

    /** The first IPv4 address, or the first IPv6 one when there is no IPv4 address: what a name stands for. */
    String firstAddressOfAnyFamily() {
        return declared.first().or(declared::first6).map(IpAddress::toString)
                .orElseThrow(() -> new NetnsException("namespace '" + name + "' has no address declared, so its name "
                        + "cannot stand for one"));
    }

    @Override
    public String address() {
        return declared.first()
                .map(IpAddress::toString)
                .orElseThrow(() -> new NetnsException("namespace '" + name + "' has no IPv4 address declared; "
                        + "give one of its cable ends an address (leftAddress/rightAddress) or its bridge an address"));
    }

    @Override
    public List<LinkInfo> links() {
        // the shaper's own devices are not the topology's: never listed, never impairable
        return inspect(NetlinkInspector::links).stream().filter(link -> !LinkShaper.isShaperDevice(link.name())).toList();
    }

    @Override
    public List<AddressInfo> addresses() {
        return inspect(NetlinkInspector::addresses);
    }

    @Override
    public List<RouteInfo> routes() {
        return inspect(NetlinkInspector::routes);
    }

    @Override
    public List<NeighbourInfo> neighbours() {
        return inspect(NetlinkInspector::neighbours);
    }

    @Override
    public void pause() {
        NamespaceProcesses.stopAll(Set.of(inode));
    }

    @Override
    public void resume() {
        NamespaceProcesses.continueAll(Set.of(inode));
    }

    @Override
    public List<SocketInfo> sockets() {
        return socketEntries().stream().map(SockDiag.Entry::info).toList();
    }

    /** The TCP and UDP sockets with what names each to the kernel, read on the namespace's thread. */
    public List<SockDiag.Entry> socketEntries() {
        try {
            return thread.runUnchecked(() -> {
                try (NetlinkSocket socket = SockDiag.open()) {
                    return SockDiag.dump(socket);
                }
            });
        } catch (KernelException e) {
            throw new NetnsException("namespace '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Breaks these sockets' connections with {@code SOCK_DESTROY}; those already gone are skipped. */
    public void destroySockets(List<SockDiag.Entry> entries) {
        thread.runUnchecked(() -> {
            try (NetlinkSocket socket = SockDiag.open()) {
                for (SockDiag.Entry entry : entries) {
                    try {
                        SockDiag.destroy(socket, entry);
                    } catch (KernelException e) {
                        if (e.errno() != Errno.ENOENT) {
                            throw e;
                        }
                    }
                }
            }
            return null;
        });
    }

    private <T> T inspect(Function<NetlinkInspector, T> reading) {
        try {
            return thread.runUnchecked(() -> reading.apply(new NetlinkInspector(thread.netlinkSocket())));
        } catch (KernelException e) {
            throw new NetnsException("namespace '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public <T> T call(Callable<T> action) throws Exception {
        if (action == null) {
            throw new NetnsException("call() in namespace '" + name + "': the action is null");
        }
        entered = true;
        return thread.run(action);
    }

    @Override
    public ThreadFactory threadFactory() {
        entered = true;
        return placement.threadFactory();
    }

    @Override
    public SocketFactory socketFactory() {
        return placement.socketFactory();
    }

    @Override
    public ServerSocketFactory serverSocketFactory() {
        return placement.serverSocketFactory();
    }

    @Override
    public SocketChannel openSocketChannel() throws IOException {
        return placement.openSocketChannel();
    }

    @Override
    public ServerSocketChannel openServerSocketChannel() throws IOException {
        return placement.openServerSocketChannel();
    }

    @Override
    public DatagramChannel openDatagramChannel() throws IOException {
        return placement.openDatagramChannel();
    }

    @Override
    public Command java(Class<?> mainClass, String... args) {
        CommandBuilder builder = CommandBuilder.java(programs, name, mainClass, args);
        entered = true;
        giveProgramsTheHostsFile();
        return builder;
    }

    private final Map<String, LinkShaper> shapers = new ConcurrentHashMap<>();
    private static final RandomGenerator SEEDS = new SecureRandom();

    /**
     * Impairs what leaves interface {@code interfaceName}: the first call redirects it through a
     * shaper, later calls change the shaper in place. Without a seed, one is picked and logged.
     */
    synchronized void impair(String interfaceName, Impairment impairment) {
        if ("lo".equals(interfaceName)) {
            // redirecting loopback into a shaper breaks the namespace's own 127.0.0.1 traffic
            throw new NetnsException("impair lo of namespace '" + name + "': the loopback interface cannot be impaired "
                    + "(traffic to the namespace's own addresses never leaves it); impair the cable's interface instead");
        }
        Impairment seeded = seeded(impairment);
        shaperOf(interfaceName).impairLink(seeded);
        logImpaired(interfaceName, "", seeded);
    }

    /** Removes the impairment of {@code interfaceName}, if any; pair impairments through it stay. */
    synchronized void clearImpairment(String interfaceName) {
        LinkShaper shaper = shapers.get(interfaceName);
        if (shaper != null && shaper.failure().isPresent()) {
            shaper = shaperOf(interfaceName);
        }
        if (shaper != null) {
            shaper.impairLink(null);
            closeIfIdle(interfaceName, shaper);
        }
    }

    /**
     * Impairs the IP packets this namespace sends from one of {@code sources} to one of
     * {@code destinations} (the addresses of namespace {@code peer}), on every interface they may
     * leave by; {@code null} removes that impairment.
     */
    synchronized void impairPair(String peer, List<IpAddress> sources, List<IpAddress> destinations,
            Impairment impairment) {
        Impairment seeded = impairment == null ? null : seeded(impairment);
        for (String interfaceName : egressInterfaces()) {
            LinkShaper shaper = seeded == null ? shapers.get(interfaceName) : shaperOf(interfaceName);
            if (shaper != null) {
                shaper.impairPair(peer, sources, destinations, seeded);
                closeIfIdle(interfaceName, shaper);
            }
        }
        if (seeded != null) {
            logImpaired("*", " to '" + peer + "'", seeded);
        }
    }

    /**
     * The interfaces this namespace's own packets leave by: all but loopback and bridge ports
     * (what the namespace sends through a bridge of its own leaves by the bridge device first).
     */
    private List<String> egressInterfaces() {
        return links().stream().filter(link -> !link.name().equals("lo") && link.master() == null)
                .map(LinkInfo::name).toList();
    }

    private Impairment seeded(Impairment impairment) {
        return impairment.seed().isPresent() ? impairment : impairment.withSeed(SEEDS.nextLong());
    }

    /** The interface's shaper, opened if there is none, replaced if its shaping stopped. */
    private LinkShaper shaperOf(String interfaceName) {
        LinkShaper shaper = shapers.computeIfAbsent(interfaceName, name -> LinkShaper.open(this, thread, name));
        if (shaper.failure().isPresent()) {
            shapers.remove(interfaceName);
            shaper = LinkShaper.replacing(shaper);
            shapers.put(interfaceName, shaper);
        }
        return shaper;
    }

    /** What the shaper of {@code interfaceName} did; {@link ImpairmentStatistics#NONE} when it is not impaired. */
    ImpairmentStatistics impairmentStatistics(String interfaceName) {
        LinkShaper shaper = shapers.get(interfaceName);
        return shaper == null ? ImpairmentStatistics.NONE : shaper.statistics();
    }

    /** Why shaping stopped on each interface where it did: "red:eth0: reason". */
    public List<String> shapingFailures() {
        return shapers.entrySet().stream().filter(entry -> entry.getValue().failure().isPresent())
                .map(entry -> name + ":" + entry.getKey() + ": " + entry.getValue().failure().orElseThrow()).toList();
    }

    private void closeIfIdle(String interfaceName, LinkShaper shaper) {
        if (shaper.idle()) {
            shapers.remove(interfaceName);
            shaper.close();
        }
    }

    private void logImpaired(String interfaceName, String pair, Impairment seeded) {
        System.getLogger(NamespaceHandle.class.getName()).log(System.Logger.Level.INFO, "impaired " + name + ":"
                + interfaceName + pair + " with " + seeded + "; Impairment.builder()...seed(" + seeded.seed().orElseThrow()
                + ") replays the same choices");
    }

    /** The impaired links, with their impairments and seeds, for reports. */
    public List<String> impairments() {
        return shapers.values().stream().map(LinkShaper::toString).toList();
    }

    /** Adds again every declared route of this namespace that the kernel dropped (e.g. when a link went down). */
    void restoreDeclaredRoutes() {
        for (RouteSpec route : declared.routes()) {
            try {
                onThread(() -> kernel.addRoute(route.destination(), route.gateway()));
            } catch (KernelException e) {
                if (e.errno() != Errno.EEXIST && e.errno() != Errno.ENETUNREACH) {
                    throw new NetnsException(route.origin() + ": put the route back after the link came up: "
                            + e.getMessage(), e);
                }
            }
        }
    }

    /** Runs kernel work on the namespace's thread and waits for it. */
    private void onThread(Runnable work) {
        thread.runUnchecked(() -> {
            work.run();
            return null;
        });
    }

    /** Sets interface {@code interfaceName} up or down. */
    void setUp(String interfaceName, boolean up) {
        onThread(() -> kernel.setUp(interfaceName, up));
    }

    /** Replaces this namespace's partition rules: drops from {@code dropFrom}, rejects to {@code rejectTo}. */
    void applyPartitions(Set<IpAddress> dropFrom, Set<IpAddress> rejectTo) {
        onThread(() -> kernel.applyPartitions(dropFrom, rejectTo));
    }

    /** The kernel side of this namespace, for the topology's own work. */
    public NamespaceThread thread() {
        return thread;
    }

    /**
     * Names the namespace in {@code /run/netns} so that it outlives this JVM, kills the programs
     * still running in it, and releases this JVM's hold.
     *
     * @return the name {@code ip netns} knows it by
     */
    public String keep() {
        thread.pin();
        close();
        return realName();
    }

    /** Kills the programs still running here, then releases the namespace. */
    @Override
    public void close() {
        beginClose();
        finishClose();
    }

    /** Kills the programs started here that still run, with their children, and keeps their output. */
    int killPrograms() {
        int killed = programs.killAll();
        captures.forEach(PacketRecorder::close);
        return killed;
    }

    /** First half of {@link #close()}: kills the programs and asks the thread to end, without waiting. */
    void beginClose() {
        placement.close();
        shapers.values().forEach(LinkShaper::abandon);
        programs.killAll();
        captures.forEach(PacketRecorder::close);
        thread.requestStop();
    }

    /** Deletes the files of the captures (the topology's close; a kept topology keeps them). */
    void discardCaptures() {
        captures.forEach(PacketRecorder::discard);
    }

    /** Second half of {@link #close()}: waits for the thread to release the namespace. */
    void finishClose() {
        thread.awaitStop();
    }

    @Override
    public String toString() {
        return "NetNs[" + name + " = " + realName() + "]";
    }
}
