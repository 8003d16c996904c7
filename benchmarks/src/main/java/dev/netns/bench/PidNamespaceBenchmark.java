package dev.netns.bench;

import dev.netns.Topology;

/**
 * What a PID namespace per topology costs, next to the other ways teardown can reach a
 * topology's processes, in one run (interleaved, so that the machine's load weighs the same on
 * each): the cgroup (as root, the default), the PID namespace alone ({@code -Dnetns.cgroup=false},
 * what a rootless run gets), the cgroup and the PID namespace ({@code -Dnetns.pidns=always}), and
 * enumeration only ({@code -Dnetns.cgroup=false -Dnetns.pidns=never}, what a rootless run had
 * before). Run as root with {@code java -cp ... dev.netns.bench.PidNamespaceBenchmark [scale]}.
 */
public final class PidNamespaceBenchmark {

    /** The ways, by name, with the two properties each sets: netns.cgroup and netns.pidns. */
    private static final String[][] WAYS = {
        {"cgroup (root's default)", "true", "auto"},
        {"PID namespace (rootless default)", "false", "auto"},
        {"cgroup + PID namespace", "true", "always"},
        {"enumeration only (rootless before)", "false", "never"},
    };

    private PidNamespaceBenchmark() {
    }

    /**
     * Prints one Markdown table.
     *
     * @param args optional: a scale factor for the iteration counts
     */
    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        int execs = (int) (200 * scale);
        int rounds = Math.max(5, (int) (30 * scale));
        int ways = WAYS.length;
        double[][] execMillis = new double[ways][execs];
        Topology[] nets = new Topology[ways];
        try {
            for (int way = 0; way < ways; way++) {
                nets[way] = topology(way);
            }
            for (int i = -30; i < execs; i++) {
                for (int way = 0; way < ways; way++) {
                    long started = System.nanoTime();
                    nets[way].namespace("red").exec("true");
                    if (i >= 0) {
                        execMillis[way][i] = (System.nanoTime() - started) / 1e6;
                    }
                }
            }
        } finally {
            for (Topology net : nets) {
                if (net != null) {
                    net.close();
                }
            }
        }
        double[][] lifeMillis = new double[ways][rounds];
        double[][] closeMillis = new double[ways][rounds];
        for (int i = -3; i < rounds; i++) {
            for (int way = 0; way < ways; way++) {
                double life = startExecClose(way);
                double close = closeWithPrograms(way, 20);
                if (i >= 0) {
                    lifeMillis[way][i] = life;
                    closeMillis[way][i] = close;
                }
            }
        }
        System.clearProperty("netns.cgroup");
        System.clearProperty("netns.pidns");
        StringBuilder table = new StringBuilder("| measured |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String[] way : WAYS) {
            table.append(' ').append(way[0]).append(" |");
            rule.append("---|");
        }
        table.append('\n').append(rule).append('\n');
        row(table, "start + one `exec(\"true\")` + `close()` of a one-namespace topology", lifeMillis);
        row(table, "`exec(\"true\")` in a running topology", execMillis);
        row(table, "`close()` with 20 background programs (10 `start`, 10 shell `&`)", closeMillis);
        System.out.println(table);
    }

    /** The containment is chosen per topology, at its first program. */
    private static Topology topology(int way) {
        System.setProperty("netns.cgroup", WAYS[way][1]);
        System.setProperty("netns.pidns", WAYS[way][2]);
        Topology net = Topology.builder().namespace("red").start();
        net.namespace("red").exec("true");
        return net;
    }

    private static double startExecClose(int way) {
        long started = System.nanoTime();
        topology(way).close();
        return (System.nanoTime() - started) / 1e6;
    }

    private static double closeWithPrograms(int way, int programs) {
        return TeardownBenchmark.closeMillis(topology(way), programs);
    }

    private static void row(StringBuilder table, String what, double[][] millis) {
        table.append("| ").append(what).append(" |");
        for (double[] series : millis) {
            Stats stats = Stats.of(series);
            table.append(String.format(" %.2f ms (p90 %.2f) |", stats.median(), stats.p90()));
        }
        table.append('\n');
    }
}
