package dev.netns.internal.topology;

import dev.netns.AddressInfo;
import dev.netns.Capture;
import dev.netns.Command;
import dev.netns.Impairment;
import dev.netns.Link;
import dev.netns.LinkInfo;
import dev.netns.NeighbourInfo;
import dev.netns.NetNs;
import dev.netns.NetnsException;
import dev.netns.PingResult;
import dev.netns.Program;
import dev.netns.RouteInfo;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.model.Printable;
import dev.netns.internal.model.Timeouts;
import dev.netns.internal.model.TopologyModel.RouteSpec;
import dev.netns.internal.namespace.HostsFile;
import dev.netns.internal.namespace.IcmpPing;
import dev.netns.internal.namespace.NamespaceThread;
import dev.netns.internal.namespace.NetlinkNamespaceKernel;
import dev.netns.internal.namespace.TopologyCgroup;
import dev.netns.internal.netlink.NetlinkInspector;
import dev.netns.internal.program.CommandBuilder;
import dev.netns.internal.program.ProgramRunner;
import dev.netns.internal.system.Errno;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.traffic.LinkShaper;
import dev.netns.internal.traffic.PacketRecorder;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

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
    private final Function<String, NamespaceHandle> peers;

    NamespaceHandle(String name, NetlinkNamespaceKernel kernel, NamespaceAddresses declared,
            Function<String, NamespaceHandle> peers, Supplier<HostsFile> hostsFile, Supplier<TopologyCgroup> cgroup) {
        this.peers = peers;
        this.hostsFile = hostsFile;
        this.name = name;
        this.kernel = kernel;
        this.thread = kernel.thread();
        this.declared = declared;
        this.programs = new ProgramRunner(this.thread, name, cgroup);
        this.inode = this.thread.inode();
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
            return new PingResult(name, resolved, outcome.reachable(), outcome.description());
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
            NamespaceHandle named = peers.apply(addressOrName);
            if (named != null) {
                return named.firstAddressOfAnyFamily();
            }
            throw new NetnsException(action + ": '" + Printable.of(addressOrName) + "' is neither an IP address nor a "
                    + "namespace of this topology (" + notAnAddress.getMessage() + ")");
        }
    }

    @Override
    public Link link(String interfaceName) {
        if (interfaceName == null || links().stream().noneMatch(link -> link.name().equals(interfaceName))) {
            throw new NetnsException("namespace '" + name + "' has no interface '" + Printable.of(interfaceName)
                    + "' (it has: " + String.join(", ", links().stream().map(LinkInfo::name).toList()) + ")");
        }
        return new LinkHandle(this, interfaceName);
    }

    @Override
    public Capture capture(String interfaceName) {
        if (interfaceName == null) {
            throw new NetnsException("capture in namespace '" + name + "': the interface name is null");
        }
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
        return inspect(NetlinkInspector::links);
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
        long seed = impairment.seed().orElseGet(SEEDS::nextLong);
        Impairment seeded = impairment.seed().isPresent() ? impairment : impairment.withSeed(seed);
        LinkShaper shaper = shapers.get(interfaceName);
        if (shaper == null) {
            shapers.put(interfaceName, LinkShaper.start(this, thread, interfaceName, seeded, seed));
        } else {
            shaper.update(seeded, seed);
        }
        System.getLogger(NamespaceHandle.class.getName()).log(System.Logger.Level.INFO, "impaired " + name + ":"
                + interfaceName + " with " + seeded + "; Impairment.builder()...seed(" + seed + ") replays the same choices");
    }

    /** Removes the impairment of {@code interfaceName}, if any. */
    synchronized void clearImpairment(String interfaceName) {
        LinkShaper shaper = shapers.remove(interfaceName);
        if (shaper != null) {
            shaper.close();
        }
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

    /** Replaces this namespace's partition rules: every packet from or to one of {@code blocked} is dropped. */
    void applyPartitions(Set<IpAddress> blocked) {
        onThread(() -> kernel.applyPartitions(blocked));
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
