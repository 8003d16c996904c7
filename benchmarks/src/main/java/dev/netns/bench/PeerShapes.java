package dev.netns.bench;

import dev.netns.NetNs;
import dev.netns.PingResult;
import dev.netns.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shapes Mininet users know (two hosts linked, hosts on a switch, a line of switches, a torus),
 * built with netns-junit, next to Mininet's times for the same shapes measured in the same run by
 * {@code benchmarks/mininet/mininet_bench.py}.
 */
final class PeerShapes {

    /** One line of the peer table. */
    record Row(String shape, Stats netnsJunit, Stats mininet) {
    }

    private PeerShapes() {
    }

    static List<Row> measure(Path mininetResults, double scale) throws Exception {
        Map<String, double[]> mininet = readMininet(mininetResults);
        int runs = Math.max(3, (int) (10 * scale));
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("2 hosts linked, setup + teardown", Timer.measure(3, runs * 3, () -> linear(1, true, false)),
                Stats.of(mininet.get("pair"))));
        rows.add(new Row("3 hosts on a switch, setup + teardown", Timer.measure(3, runs * 3, () -> star(3, false)),
                Stats.of(mininet.get("switch3"))));
        rows.add(new Row("3 hosts on a switch, every pair pinged", Timer.measure(3, runs * 3, () -> star(3, true)),
                Stats.of(mininet.get("switch3-pingall"))));
        for (int size : new int[] {10, 50, 100}) {
            rows.add(new Row("LinearTopo(" + size + "): " + size + " switches in a line, a host on each, h1 pings h" + size,
                    Timer.measurePaused(1, Math.max(1, runs / (size / 10)), Duration.ofMillis(300),
                            () -> linear(size, false, true)),
                    Stats.of(mininet.get("linear" + size + "-ping"))));
        }
        rows.add(new Row("5x5 torus (25 switches with loops, 25 hosts), to the first ping h1 to h25",
                Timer.measurePaused(0, 1, Duration.ofMillis(300), PeerShapes::torus), Stats.of(mininet.get("torus5x5-first-ping"))));
        try (Topology net = Topology.builder().namespace("h1").namespace("h2")
                .veth("h1", "10.0.0.1/8", "h2", "10.0.0.2/8").start()) {
            NetNs h1 = net.namespace("h1");
            rows.add(new Row("run `/bin/true` in a host (`exec` / `cmd`)",
                    Timer.measure(20, Math.max(50, (int) (300 * scale)), () -> h1.exec("/bin/true")),
                    Stats.of(mininet.get("cmd-true"))));
            rows.add(new Row("ping another host (`ping` / `cmd('ping -c1')`)",
                    Timer.measure(20, Math.max(20, (int) (100 * scale)), () -> require(h1.ping("10.0.0.2"))),
                    Stats.of(mininet.get("ping"))));
        }
        return rows;
    }

    /** {@code size} switches in a line, host hi on switch si; with a ping from h1 to the last. */
    static void linear(int size, boolean direct, boolean ping) {
        Topology.Builder builder = Topology.builder();
        if (direct) {
            builder.namespace("h1").namespace("h2").veth("h1", "10.0.0.1/8", "h2", "10.0.0.2/8");
        } else {
            for (int i = 1; i <= size; i++) {
                builder.namespace("h" + i).bridge("s" + i, null);
                builder.veth("h" + i, "10.0." + (i / 250) + "." + (i % 250 + 1) + "/8", "s" + i, null);
                if (i > 1) {
                    builder.veth("s" + (i - 1), null, "s" + i, null);
                }
            }
        }
        try (Topology net = builder.start()) {
            if (ping) {
                require(net.namespace("h1").ping("h" + size, Duration.ofSeconds(10)));
            }
        }
    }

    private static void star(int hosts, boolean pingAll) {
        Topology.Builder builder = Topology.builder().bridge("s1", null);
        for (int i = 1; i <= hosts; i++) {
            builder.namespace("h" + i).veth("h" + i, "10.0.0." + i + "/8", "s1", null);
        }
        try (Topology net = builder.start()) {
            if (pingAll) {
                for (int from = 1; from <= hosts; from++) {
                    for (int to = 1; to <= hosts; to++) {
                        if (from != to) {
                            require(net.namespace("h" + from).ping("h" + to, Duration.ofSeconds(2)));
                        }
                    }
                }
            }
        }
    }

    /** Mininet's TorusTopo(5, 5): switches with loops (stp), a host on each; to the first ping h1 to h25. */
    private static void torus() {
        int size = 5;
        Topology.Builder builder = Topology.builder();
        for (int row = 0; row < size; row++) {
            for (int column = 0; column < size; column++) {
                int n = row * size + column + 1;
                builder.namespace("h" + n).bridge("s" + n, null, "host", false, true);
                builder.veth("h" + n, "10.0.0." + n + "/8", "s" + n, null);
            }
        }
        for (int row = 0; row < size; row++) {
            for (int column = 0; column < size; column++) {
                int n = row * size + column + 1;
                builder.veth("s" + n, null, "s" + (row * size + (column + 1) % size + 1), null);
                builder.veth("s" + n, null, "s" + (((row + 1) % size) * size + column + 1), null);
            }
        }
        try (Topology net = builder.start()) {
            require(net.namespace("h1").ping("h25", Duration.ofSeconds(30)));
        }
    }

    private static void require(PingResult ping) {
        if (!ping.reachable()) {
            throw new IllegalStateException(ping.toString());
        }
    }

    /** Reads {@code {"shape": [ms, ...], ...}}; empty when Mininet was not measured. */
    static Map<String, double[]> readMininet(Path file) throws IOException {
        Map<String, double[]> results = new LinkedHashMap<>();
        if (file == null || !Files.exists(file)) {
            return results;
        }
        Matcher entry = Pattern.compile("\"([^\"]+)\":\\s*\\[([^\\]]*)\\]").matcher(Files.readString(file));
        while (entry.find()) {
            String[] numbers = entry.group(2).split(",");
            double[] values = new double[numbers.length];
            for (int i = 0; i < numbers.length; i++) {
                values[i] = Double.parseDouble(numbers[i].strip());
            }
            results.put(entry.group(1), values);
        }
        return results;
    }
}
