package dev.netns.bench;

import dev.netns.NetNs;
import dev.netns.Program;
import dev.netns.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;

/**
 * What a child JVM costs: a JVM that does nothing, started by {@code NetNs.java(..)} inside a
 * namespace and by a bare {@code java -cp} from this JVM (the baseline), and a 3-node ZooKeeper
 * quorum in child JVMs, from the first start until one node leads and two follow; each with the
 * run's class-data-sharing archives (the library's default) and without them
 * ({@code netns.java.cds=off}), interleaved. Run alone:
 * {@code java -cp ... dev.netns.bench.ChildJvmStart [scale]} prints the rows.
 */
final class ChildJvmStart {

    /** One line of the table. */
    record Row(String what, Stats netnsJunit, String baseline, Stats baselineStats, String target, boolean met) {
    }

    /** What the table shows, for docs/benchmarks.md. */
    static final String DESCRIPTION = """
            Child JVMs: wall time from start until the JVM has exited (a main that returns at once), and for
            the quorum from the first of three `java(QuorumPeerMain.class, cfg)` starts until one node answers
            `srvr` with "Mode: leader" and the two others with "Mode: follower" (asked every 10 ms from a
            fourth namespace; ZooKeeper 3.9.5, the samples' configuration, election rounds at most 200 ms apart:
            `-Dzookeeper.fastleader.maxNotificationInterval=200`). Every child JVM runs with the options of the
            samples' quorum (`-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1`). "Archive" is the library's
            default: the first child JVM of a kind wrote a class-data-sharing archive when it was stopped, and
            later ones map it; "no archive" is `-Dnetns.java.cds=off`. Rounds alternate between the two.""";

    static final String[] NODE_OPTIONS = {"-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dzookeeper.fastleader.maxNotificationInterval=200"};

    /** A main that returns at once: the cost of the JVM itself. */
    public static final class Nothing {
        private Nothing() {
        }

        /** Returns. */
        public static void main(String[] args) {
        }
    }

    private ChildJvmStart() {
    }

    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        System.out.println(table(measure(scale)));
    }

    /** The rows as a Markdown table, milliseconds median / 90th percentile. */
    static String table(List<Row> rows) {
        StringBuilder text = new StringBuilder(
                "| what | netns-junit | baseline | comparison | target | met | runs |\n|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            text.append("| ").append(row.what()).append(" | ").append(millis(row.netnsJunit())).append(" | ")
                    .append(row.baseline()).append(": ").append(millis(row.baselineStats())).append(" | ")
                    .append(String.format("%.2fx", row.netnsJunit().median() / row.baselineStats().median()))
                    .append(" | ").append(row.target()).append(" | ").append(row.met() ? "yes" : "no").append(" | ")
                    .append(row.netnsJunit().samples()).append(" |\n");
        }
        return text.toString();
    }

    private static String millis(Stats stats) {
        return String.format("%.0f / %.0f ms", stats.median(), stats.p90());
    }

    static List<Row> measure(double scale) throws Exception {
        int starts = Math.max(5, (int) (20 * scale));
        int quorums = Math.max(3, (int) (8 * scale));
        Path work = Files.createTempDirectory("netns-bench-jvm");
        List<Row> rows = new ArrayList<>();
        try (Topology net = Topology.builder().namespace("z1").namespace("z2").namespace("z3").namespace("client")
                .bridge("lan", null)
                .veth("z1", "10.66.0.1/24", "lan", null).veth("z2", "10.66.0.2/24", "lan", null)
                .veth("z3", "10.66.0.3/24", "lan", null).veth("client", "10.66.0.10/24", "lan", null).start()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classPath = System.getProperty("java.class.path");
            NetNs z1 = net.namespace("z1");
            List<Double> bare = new ArrayList<>();
            List<Double> inside = new ArrayList<>();
            List<Double> insideShared = new ArrayList<>();
            archives(true);
            z1.java(Nothing.class).jvmOptions(NODE_OPTIONS).exec();   // the first of its kind writes the archive
            for (int i = 0; i < starts; i++) {
                bare.add(time(() -> run(java, NODE_OPTIONS, "-cp", classPath, Nothing.class.getName())));
                archives(false);
                inside.add(time(() -> z1.java(Nothing.class).jvmOptions(NODE_OPTIONS).exec()));
                archives(true);
                insideShared.add(time(() -> z1.java(Nothing.class).jvmOptions(NODE_OPTIONS).exec()));
            }
            rows.add(new Row("a child JVM that returns at once, `ns.java(..).exec()`, no archive", of(inside),
                    "bare `java -cp` from this JVM", of(bare), "report", true));
            rows.add(new Row("the same with the run's archive", of(insideShared), "bare `java -cp` from this JVM",
                    of(bare), "report", true));
            archives(true);
            quorum(net, work, -1);   // its first node writes the archive when it is stopped
            List<Double> plain = new ArrayList<>();
            List<Double> shared = new ArrayList<>();
            for (int round = 0; round < quorums; round++) {
                archives(false);
                plain.add(quorum(net, work, 2 * round));
                archives(true);
                shared.add(quorum(net, work, 2 * round + 1));
            }
            Stats withArchive = of(shared);
            rows.add(new Row("3-node ZooKeeper quorum in child JVMs, start until one leader and two followers, "
                    + "with the run's archive", withArchive, "the same with no archive", of(plain), "<= 2000 ms",
                    withArchive.median() <= 2000));
        } finally {
            archives(true);
            deleteTree(work);
        }
        return rows;
    }

    private static void archives(boolean on) {
        if (on) {
            System.clearProperty("netns.java.cds");
        } else {
            System.setProperty("netns.java.cds", "off");
        }
    }

    /** Milliseconds from the first start until the quorum stands; the nodes are stopped after. */
    private static double quorum(Topology net, Path work, int round) throws Exception {
        List<Path> configs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            configs.add(config(work.resolve("round-" + round), id));
        }
        List<Program> nodes = new ArrayList<>();
        long started = System.nanoTime();
        try {
            for (int id = 1; id <= 3; id++) {
                nodes.add(net.namespace("z" + id).java(QuorumPeerMain.class, configs.get(id - 1).toString())
                        .jvmOptions(NODE_OPTIONS).start());
            }
            NetNs client = net.namespace("client");
            long deadline = started + TimeUnit.SECONDS.toNanos(60);
            while (!stands(client)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no quorum after 60 s: " + nodes.get(0).stdout() + nodes.get(0).stderr());
                }
                Thread.sleep(10);
            }
            return (System.nanoTime() - started) / 1e6;
        } finally {
            // stopped, not killed: a node that writes the run's archive does so as it exits
            nodes.forEach(Program::stop);
        }
    }

    private static Path config(Path folder, int id) throws IOException {
        Path data = Files.createDirectories(folder.resolve("z" + id));
        Files.writeString(data.resolve("myid"), id + "\n");
        return Files.writeString(folder.resolve("z" + id + ".cfg"), """
                tickTime=200
                initLimit=10
                syncLimit=5
                cnxTimeout=1000
                dataDir=%s
                clientPort=2181
                admin.enableServer=false
                4lw.commands.whitelist=srvr
                server.1=10.66.0.1:2888:3888
                server.2=10.66.0.2:2888:3888
                server.3=10.66.0.3:2888:3888
                """.formatted(data));
    }

    private static boolean stands(NetNs client) {
        int leaders = 0;
        for (int id = 1; id <= 3; id++) {
            String answer = srvr(client, "10.66.0." + id);
            if (answer.contains("Mode: leader")) {
                leaders++;
            } else if (!answer.contains("Mode: follower")) {
                return false;
            }
        }
        return leaders == 1;
    }

    private static String srvr(NetNs client, String address) {
        try (Socket socket = client.socketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(address, 2181), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }

    private static void run(String java, String[] options, String... rest) throws Exception {
        List<String> argv = new ArrayList<>(List.of(java));
        argv.addAll(List.of(options));
        argv.addAll(List.of(rest));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(argv + " exited with " + process.exitValue());
        }
    }

    private static Stats of(List<Double> millis) {
        return Stats.of(millis.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double time(Timer.Action step) throws Exception {
        long started = System.nanoTime();
        step.run();
        return (System.nanoTime() - started) / 1e6;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
