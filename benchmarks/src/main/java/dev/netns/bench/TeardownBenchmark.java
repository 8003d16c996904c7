package dev.netns.bench;

import dev.netns.NetNs;
import dev.netns.Topology;

/**
 * Teardown by containment (a cgroup per topology, {@code cgroup.kill}) next to teardown by
 * enumeration ({@code -Dnetns.cgroup=false}: every process found by its network namespace in
 * {@code /proc}), in one run: the cost the cgroup adds to each program start, and the time
 * {@code close()} takes with programs running. Run with
 * {@code java -cp ... dev.netns.bench.TeardownBenchmark [scale]}.
 */
public final class TeardownBenchmark {

    private TeardownBenchmark() {
    }

    /**
     * Prints one Markdown table.
     *
     * @param args optional: a scale factor for the iteration counts
     */
    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        int execs = (int) (300 * scale);
        int closes = Math.max(5, (int) (30 * scale));
        StringBuilder table = new StringBuilder("| measured | cgroup (containment) | enumeration only |\n|---|---|---|\n");
        Stats[] exec = new Stats[2];
        Stats[] close = new Stats[2];
        Stats[] empty = new Stats[2];
        // interleaved, so that the machine's load weighs the same on both
        double[][] execMillis = new double[2][execs];
        try (Topology withCgroup = topology(true); Topology without = topology(false)) {
            NetNs[] red = {withCgroup.namespace("red"), without.namespace("red")};
            for (int i = -30; i < execs; i++) {
                for (int pass = 0; pass < 2; pass++) {
                    long started = System.nanoTime();
                    red[pass].exec("true");
                    if (i >= 0) {
                        execMillis[pass][i] = (System.nanoTime() - started) / 1e6;
                    }
                }
            }
        }
        double[][] closeMillis = new double[2][closes];
        double[][] emptyMillis = new double[2][closes];
        for (int i = 0; i < closes; i++) {
            for (int pass = 0; pass < 2; pass++) {
                closeMillis[pass][i] = closeMillis(pass == 0, 20);
                emptyMillis[pass][i] = closeMillis(pass == 0, 0);
            }
        }
        for (int pass = 0; pass < 2; pass++) {
            exec[pass] = Stats.of(execMillis[pass]);
            close[pass] = Stats.of(closeMillis[pass]);
            empty[pass] = Stats.of(emptyMillis[pass]);
        }
        System.clearProperty("netns.cgroup");
        row(table, "`exec(\"true\")`", exec);
        row(table, "`close()` with 20 background programs (10 `start`, 10 shell `&`)", close);
        row(table, "`close()` after one `exec`, nothing left running", empty);
        System.out.println(table);
    }

    /** The cgroup is chosen per topology, at its first program. */
    private static Topology topology(boolean cgroup) {
        System.setProperty("netns.cgroup", Boolean.toString(cgroup));
        Topology net = Topology.builder().namespace("red").start();
        net.namespace("red").exec("true");
        return net;
    }

    private static double closeMillis(boolean cgroup, int programs) {
        return closeMillis(topology(cgroup), programs);
    }

    /** Milliseconds {@code net.close()} takes with {@code programs} sleeps running in its {@code red}, half of them daemons. */
    static double closeMillis(Topology net, int programs) {
        NetNs red = net.namespace("red");
        for (int p = 0; p < programs / 2; p++) {
            red.start("sleep", "600");
            red.exec("sh", "-c", "sleep 600 > /dev/null 2>&1 &");
        }
        long started = System.nanoTime();
        net.close();
        return (System.nanoTime() - started) / 1e6;
    }

    private static void row(StringBuilder table, String what, Stats[] pair) {
        table.append("| ").append(what).append(" | ").append(String.format("%.2f ms (p90 %.2f)", pair[0].median(), pair[0].p90()))
                .append(" | ").append(String.format("%.2f ms (p90 %.2f)", pair[1].median(), pair[1].p90())).append(" |\n");
    }
}
