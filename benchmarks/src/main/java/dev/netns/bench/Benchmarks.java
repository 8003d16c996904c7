package dev.netns.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.netns.NetNs;
import dev.netns.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Measures netns-junit next to the shell recipes it replaces, in one run on one machine, and
 * writes the results as Markdown. Run with {@code scripts/run-benchmarks.sh}.
 */
public final class Benchmarks {

    private static final AtomicInteger SUFFIX = new AtomicInteger();

    private final List<String[]> rows = new ArrayList<>();
    private List<ImpairmentAccuracy.Row> accuracy = List.of();
    private List<ShaperThroughput.Row> throughput = List.of();
    private List<ChildJvmStart.Row> childJvms = List.of();
    private List<PeerShapes.Row> peers = List.of();

    private Benchmarks() {
    }

    /**
     * Runs every benchmark.
     *
     * @param args optional: the Markdown file to write, then a scale factor for the iteration counts
     */
    public static void main(String[] args) throws Exception {
        Path output = args.length > 0 ? Path.of(args[0]) : null;
        double scale = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        Path mininet = args.length > 2 ? Path.of(args[2]) : null;
        Benchmarks benchmarks = new Benchmarks();
        benchmarks.run(scale);
        benchmarks.peers = PeerShapes.measure(mininet, scale);
        String report = benchmarks.report();
        System.out.println(report);
        if (output != null) {
            // the linearizability checker's section is written by HistoryBenchmark: keep it
            String kept = Files.exists(output) ? HistoryBenchmark.sectionOf(Files.readString(output)) : "";
            Files.writeString(output, kept.isEmpty() ? report : report + "\n" + kept);
        }
    }

    private void run(double scale) throws Exception {
        int pairs = (int) (300 * scale);
        int seeds = (int) (100 * scale);
        int execs = (int) (500 * scale);
        int classes = Math.max(3, (int) (7 * scale));

        Path pairScript = ShellRecipes.write("pair", ShellRecipes.PAIR);
        Path seedScript = ShellRecipes.write("seed", ShellRecipes.SEED);

        Stats apiPair = Timer.measure(20, pairs, Benchmarks::pairThroughApi);
        Stats shellPair = Timer.measure(5, pairs, () -> ShellRecipes.run(pairScript, suffix()));
        row("two namespaces + veth pair, setup + teardown, back to back", apiPair, "shell recipe (`ip`)", shellPair,
                faster(apiPair, shellPair), "<= 3 ms", apiPair.median() <= 3);

        Stats apiPairIdle = Timer.measurePaused(5, pairs / 3, IDLE, Benchmarks::pairThroughApi);
        Stats shellPairIdle = Timer.measurePaused(2, pairs / 3, IDLE, () -> ShellRecipes.run(pairScript, suffix()));
        row("the same, each run after a 50 ms pause (kernel done destroying the last one)", apiPairIdle,
                "shell recipe (`ip`)", shellPairIdle, faster(apiPairIdle, shellPairIdle), "<= 3 ms", apiPairIdle.median() <= 3);

        Stats apiSeed = Timer.measure(10, seeds, Benchmarks::seedThroughApi);
        Stats shellSeed = Timer.measure(3, seeds, () -> ShellRecipes.run(seedScript, suffix()));
        row("seed scenario (4 namespaces, bridge, 3 cables, routes, masquerade), setup + teardown, back to back", apiSeed,
                "shell recipe (`ip`, `nft`)", shellSeed, faster(apiSeed, shellSeed), "<= 10 ms", apiSeed.median() <= 10);
        double tail = apiSeed.p90() / apiSeed.median();
        row("the same, tail: p90 over median", apiSeed, "shell recipe (`ip`, `nft`)", shellSeed,
                String.format("p90 = %.1fx the median (shell: %.1fx)", tail, shellSeed.p90() / shellSeed.median()), "<= 3x",
                tail <= 3);

        Stats apiSeedIdle = Timer.measurePaused(3, seeds / 2, IDLE, Benchmarks::seedThroughApi);
        Stats shellSeedIdle = Timer.measurePaused(2, seeds / 2, IDLE, () -> ShellRecipes.run(seedScript, suffix()));
        row("the same, each run after a 50 ms pause", apiSeedIdle, "shell recipe (`ip`, `nft`)", shellSeedIdle,
                faster(apiSeedIdle, shellSeedIdle), "<= 10 ms", apiSeedIdle.median() <= 10);

        int linears = Math.max(3, (int) (8 * scale));
        Path linearScript = ShellRecipes.write("linear100", ShellRecipes.linear(100));
        Stats apiLinear = Timer.measure(1, linears, () -> PeerShapes.linear(100, false, true));
        Stats floorLinear = Timer.measure(1, linears, () -> ShellRecipes.run(linearScript, suffix()));
        double linearRatio = apiLinear.median() / floorLinear.median();
        row("LinearTopo(100) (101 namespaces, 100 bridges, 199 cables), a ping h1 to h100, teardown, back to back",
                apiLinear, "the kernel's floor: the same objects by `ip -batch` (104 `ip` runs and one `ping`)", floorLinear,
                String.format("%.2fx the floor", linearRatio), "<= 1.25x", linearRatio <= 1.25);

        try (Topology net = Topology.builder().namespace("red").start()) {
            NetNs red = net.namespace("red");
            Stats exec = Timer.measure(50, execs, () -> require(red.exec("true").succeeded()));
            Stats bare = Timer.measure(50, execs, () -> require(new ProcessBuilder("true").start().waitFor() == 0));
            row("`exec(\"true\")` in a namespace, output captured (`posix_spawn`)", exec,
                    "bare `ProcessBuilder` start of `true`", bare, faster(exec, bare), "<= 1 ms",
                    exec.median() <= 1);
        }

        try (Topology net = Topology.builder().namespace("red").namespace("blue")
                .veth("red", "10.61.0.1/24", "blue", "10.61.0.2/24").start()) {
            NetNs red = net.namespace("red");
            int pings = (int) Math.max(50, 500 * scale);
            Stats jvmPing = Timer.measure(20, pings, () -> require(red.ping("10.61.0.2").reachable()));
            Stats processPing = Timer.measure(5, pings / 5,
                    () -> require(red.exec("ping", "-n", "-c", "1", "-W", "2", "10.61.0.2").succeeded()));
            row("a successful ping (`ns.ping`, ICMP datagram socket from the JVM)", jvmPing,
                    "the `ping` program run by `exec`", processPing, faster(jvmPing, processPing), "<= 0.3 ms",
                    jvmPing.median() <= 0.3);
            Stats unreachable = Timer.measure(20, pings, () -> require(!red.ping("10.99.0.1").reachable()));
            row("an unreachable ping (no route: the kernel says so at once)", unreachable,
                    "the `ping` program run by `exec`", Timer.measure(5, pings / 5,
                            () -> require(!red.exec("ping", "-n", "-c", "1", "-W", "2", "10.99.0.1").succeeded())),
                    "", "as fast as the kernel answers", unreachable.median() <= 0.3);
        }

        accuracy = ImpairmentAccuracy.measure(scale);
        throughput = ShaperThroughput.measure(scale);
        childJvms = ChildJvmStart.measure(scale);

        Stats withTopology = Timer.measure(1, classes, () -> runClass(PairTopologyTests.class));
        Stats plain = Timer.measure(1, classes, () -> runClass(PlainTests.class));
        double extra = withTopology.median() - plain.median();
        row("JUnit class of 100 tests, each with a fresh pair topology, total wall time", withTopology,
                "the same 100 tests without topology", plain,
                String.format("+%.0f ms (%.1f ms a test)", extra, extra / 100), "<= +2000 ms", extra <= 2000);
    }

    private static void pairThroughApi() {
        try (Topology net = Topology.builder()
                .namespace("red")
                .namespace("blue")
                .veth("red:veth-red", "192.168.15.1/24", "blue:veth-blue", "192.168.15.2/24")
                .start()) {
            require(net.namespaces().size() == 2);
        }
    }

    private static void seedThroughApi() {
        try (Topology net = Topology.builder()
                .namespace("red")
                .namespace("blue")
                .namespace("lan")
                .bridge("v-net-0", "192.168.15.5/24")
                .veth("red:veth-red", "192.168.15.1/24", "v-net-0:veth-red-br", null)
                .veth("blue:veth-blue", "192.168.15.2/24", "v-net-0:veth-blue-br", null)
                .veth("host:eth-lan", "192.168.1.2/24", "lan", "192.168.1.10/24")
                .route("blue", "192.168.1.0/24", "192.168.15.5")
                .route("blue", "default", "192.168.15.5")
                .nat("host", "192.168.15.0/24")
                .start()) {
            require(net.namespaces().size() == 4);
        }
    }

    private static void runClass(Class<?> testClass) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(), summary);
        long succeeded = summary.getSummary().getTestsSucceededCount();
        if (succeeded != 100) {
            throw new IllegalStateException(testClass.getSimpleName() + ": " + succeeded + " of 100 tests succeeded; "
                    + summary.getSummary().getFailures());
        }
    }

    private static String suffix() {
        return ProcessHandle.current().pid() + "-" + SUFFIX.incrementAndGet();
    }

    private static void require(boolean condition) {
        if (!condition) {
            throw new IllegalStateException("benchmark action did not do what it should");
        }
    }

    private static final java.time.Duration IDLE = java.time.Duration.ofMillis(50);

    private void row(String what, Stats ours, String baseline, Stats baselineStats, String comparison, String target,
            boolean met) {
        rows.add(new String[] {what, format(ours), baseline + ": " + format(baselineStats), comparison,
                target + (met ? " (met)" : " (not met)"), Integer.toString(ours.samples())});
    }

    private static String faster(Stats ours, Stats baseline) {
        return String.format("%.1fx faster", baseline.median() / ours.median());
    }

    private static String format(Stats stats) {
        return String.format("%.2f / %.2f", stats.median(), stats.p90());
    }

    private String report() throws Exception {
        StringBuilder text = new StringBuilder();
        text.append("# Benchmarks\n\n")
            .append("Measured by `scripts/run-benchmarks.sh` on ").append(LocalDate.now()).append(", in one run, on:\n\n")
            .append("- ").append(machine()).append('\n')
            .append("- Java ").append(System.getProperty("java.version")).append(" (").append(System.getProperty("java.vm.name"))
            .append(")\n\n")
            .append("Times in milliseconds, median / 90th percentile; comparisons use medians.\n\n")
            .append("| what | netns-junit | baseline | comparison | target | runs |\n")
            .append("|---|---|---|---|---|---|\n");
        for (String[] row : rows) {
            text.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        text.append("\n## Next to Mininet\n\n")
            .append("The shapes Mininet users know, built by netns-junit and by Mininet 2.3.0 (Debian's package, Linux bridges, ")
            .append("no controller, run inside `unshare --net`), in the same run. Setup, the action, and teardown; ")
            .append("milliseconds, median / 90th percentile.\n\n")
            .append("| shape | netns-junit | Mininet | comparison |\n|---|---|---|---|\n");
        for (PeerShapes.Row row : peers) {
            text.append("| ").append(row.shape()).append(" | ").append(format(row.netnsJunit())).append(" | ")
                .append(row.mininet() == null ? "not measured" : format(row.mininet())).append(" | ")
                .append(row.mininet() == null ? "" : String.format("%.1fx %s", Math.max(row.mininet().median(),
                        row.netnsJunit().median()) / Math.min(row.mininet().median(), row.netnsJunit().median()),
                        row.netnsJunit().median() <= row.mininet().median() ? "faster" : "slower"))
                .append(" |\n");
        }
        text.append("\n## Impaired links: asked for and measured\n\n")
            .append("Real traffic across a veth pair whose sending end is impaired (`Link.impair`), measured in the same run.\n\n")
            .append("| what | asked | measured | target | met |\n|---|---|---|---|---|\n");
        for (ImpairmentAccuracy.Row row : accuracy) {
            text.append("| ").append(row.what()).append(" | ").append(row.asked()).append(" | ").append(row.measured())
                .append(" | ").append(row.target()).append(" | ").append(row.met() ? "yes" : "no").append(" |\n");
        }
        text.append("\n## Impaired links at line rate\n\n")
            .append(ShaperThroughput.DESCRIPTION).append("\n\n")
            .append(ShaperThroughput.table(throughput));
        text.append("\n## Child JVMs\n\n")
            .append(ChildJvmStart.DESCRIPTION).append("\n\n")
            .append(ChildJvmStart.table(childJvms));
        text.append("""

                ## What is measured

                - The shell recipes are the tutorials' commands, written with `ip -n` so that nothing appears in
                  the machine's namespace; the tutorials' host is a namespace too. One `bash` per run.
                - "public API" is `Topology.builder()...start()` then `close()`, in a warm JVM.
                - "Back to back" runs start the next iteration at once; "after a pause" runs wait 50 ms first
                  (not counted), as a test suite whose tests do some work between topologies would.
                - The 100-test classes are run through the JUnit Platform launcher, in the same JVM.

                ## Where the time goes

                netns-junit spawns no process to build a topology: links, addresses, routes and the NAT table all
                go over netlink from each namespace's own thread, several namespaces at once.
                What remains is the kernel's own work: creating a network namespace (`unshare(CLONE_NEWNET)`),
                creating a veth pair, and taking namespaces apart in the background after `close()`. That
                holds the kernel's rtnl lock while it deletes interfaces, and deleting a bridge or a veth waits
                for an RCU grace period (35-40 ms for a bridge, about 20 ms for a veth, one by one); every link,
                address and sysctl change of the next topology waits for it. So closed namespaces are let go in
                batches while topologies are closed back to back, and the kernel takes many apart in one pass:
                that keeps the seed scenario's p90 near twice its median instead of ten times. The shell recipes
                pay the same, plus a process per command (one `ip` about 1.5 ms, one `nft` about 4 ms).
                LinearTopo(100)'s floor uses one `ip` for all namespaces, one for the switches' namespace and
                one per host (a batch cannot change namespace); most of both columns is the kernel taking the
                previous run's 100 bridges and 298 veth ends apart. Each hand-over to a namespace's thread costs
                about 0.1 ms; a program starts with `posix_spawn` (one clone, one exec) where `ProcessBuilder`
                first starts its helper.
                """);
        return text.toString();
    }

    private static String machine() throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("model name")).findFirst()
                .map(line -> line.substring(line.indexOf(':') + 1).strip()).orElse("unknown CPU");
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, Linux "
                + System.getProperty("os.version");
    }
}
