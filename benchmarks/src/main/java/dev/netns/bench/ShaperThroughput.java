package dev.netns.bench;

import dev.netns.Impairment;
import dev.netns.NetNs;
import dev.netns.Topology;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TCP throughput through impaired links, next to the same veth unimpaired (the limit), in one
 * run: the empty impairment, loss only, a 10 ms delay with a window large enough for it, and
 * rate limits from 1 Mbit/s to 1 Gbit/s. One JVM socket pair, 1 MiB writes, red to blue.
 * Run alone: {@code java -cp ... dev.netns.bench.ShaperThroughput [scale]} prints the table.
 */
final class ShaperThroughput {

    /** One line of the table. */
    record Row(String what, String measured, String comparison, String target, boolean met) {
    }

    private static final long WINDOW = 64L << 20;

    /** What the table shows, for docs/benchmarks.md. */
    static final String DESCRIPTION = """
            TCP through an impaired veth, one connection red to blue from JVM sockets, steady state (bytes
            arriving during 3 s after a first second), median of three rounds that interleave the plain veth
            with every case, so that a busy machine weighs on both alike; rate limits measured once each (after
            3 s: a slow link takes that long to recover from slow start's overshoot); no connection starts
            from what an earlier one left in the route cache (`tcp_no_metrics_save`).
            An empty impairment redirects nothing; loss only is decided in the kernel (eBPF); everything
            else crosses the shaper thread in segment trains of up to 64 KiB.""";

    private ShaperThroughput() {
    }

    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        System.out.println(table(measure(scale)));
    }

    static String table(List<Row> rows) {
        StringBuilder text = new StringBuilder("| what | measured | next to the plain veth | target | met |\n|---|---|---|---|---|\n");
        for (Row row : rows) {
            text.append("| ").append(row.what()).append(" | ").append(row.measured()).append(" | ").append(row.comparison())
                    .append(" | ").append(row.target()).append(" | ").append(row.met() ? "yes" : "no").append(" |\n");
        }
        return text.toString();
    }

    static List<Row> measure(double scale) throws Exception {
        List<Row> rows = new ArrayList<>();
        int rounds = 3;
        double seconds = Math.max(1, 3 * scale);
        try (Topology net = Topology.builder().namespace("red").namespace("blue")
                .veth("red", "10.62.0.1/24", "blue", "10.62.0.2/24").start()) {
            NetNs red = net.namespace("red");
            NetNs blue = net.namespace("blue");
            for (NetNs end : new NetNs[] {red, blue}) {
                // windows large enough for 10 ms at several Gbit/s (per namespace: the machine's own stay as they are)
                end.exec("sysctl", "-q", "-w", "net.ipv4.tcp_rmem=4096 131072 " + WINDOW,
                        "net.ipv4.tcp_wmem=4096 131072 " + WINDOW, "net.core.rmem_max=" + WINDOW,
                        "net.core.wmem_max=" + WINDOW,
                        // each connection starts afresh, not from what the last case's connection left in the route cache
                        "net.ipv4.tcp_no_metrics_save=1");
            }
            tcp(red, blue, 0.5);   // warm up
            List<Double> plain = new ArrayList<>();
            Object[][] cases = {
                {"empty impairment", Impairment.builder().build(), 5e9},
                {"loss 0.1 % only", Impairment.builder().loss(0.1).seed(1).build(), 5e9},
                {"loss 1 % only", Impairment.builder().loss(1).seed(1).build(), 0.0},
                {"delay 10 ms (window up to 64 MiB)", Impairment.builder().delay(Duration.ofMillis(10)).build(), 2e9},
                {"delay 10 ms, loss 0.1 % (window up to 64 MiB)",
                    Impairment.builder().delay(Duration.ofMillis(10)).loss(0.1).seed(1).build(), 0.0},
                {"delay 10 ms, jitter 1 ms (window up to 64 MiB)",
                    Impairment.builder().delay(Duration.ofMillis(10)).jitter(Duration.ofMillis(1)).build(), 0.0},
            };
            List<List<Double>> shaped = new ArrayList<>();
            for (Object[] ignored : cases) {
                shaped.add(new ArrayList<>());
            }
            // rounds interleave the plain veth with each case, so a busy machine weighs on both alike
            for (int round = 0; round < rounds; round++) {
                plain.add(tcp(red, blue, seconds));
                for (int i = 0; i < cases.length; i++) {
                    red.link("eth0").impair((Impairment) cases[i][1]);
                    shaped.get(i).add(tcp(red, blue, seconds));
                    System.err.println(cases[i][0] + ": " + red.link("eth0").impairmentStatistics());
                    red.link("eth0").clearImpairment();
                }
            }
            double limit = median(plain);
            rows.add(new Row("plain veth, no impairment (the limit)", gbit(limit), "1.00x", "-", true));
            for (int i = 0; i < cases.length; i++) {
                double measured = median(shaped.get(i));
                double target = (double) cases[i][2];
                rows.add(new Row((String) cases[i][0], gbit(measured), String.format("%.2fx", measured / limit),
                        target > 0 ? String.format(">= %.0f Gbit/s", target / 1e9) : "report",
                        target <= 0 || measured >= target));
            }
            for (long rate : new long[] {1_000_000, 10_000_000, 100_000_000, 1_000_000_000}) {
                red.link("eth0").impair(Impairment.builder().rate(rate).build());
                // a slow link takes seconds to get past slow start's overshoot of the rate's queue
                double measured = tcp(red, blue, 3, Math.max(3, 5 * scale));
                red.link("eth0").clearImpairment();
                double error = (measured - rate) / rate;
                rows.add(new Row("rate " + human(rate), human((long) measured), String.format("%+.1f %% of the rate",
                        error * 100), "±10 %", Math.abs(error) <= 0.10));
            }
        }
        rows.add(new Row("Toxiproxy carrying the same stream", "not measured: no server package in apt, npm or Maven "
                + "Central (only clients)", "", "-", true));
        return rows;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.get(sorted.size() / 2);
    }

    private static String gbit(double bitsPerSecond) {
        return String.format("%.2f Gbit/s", bitsPerSecond / 1e9);
    }

    private static String human(long bitsPerSecond) {
        return bitsPerSecond >= 1_000_000_000 ? String.format("%.3f Gbit/s", bitsPerSecond / 1e9)
                : String.format("%.3f Mbit/s", bitsPerSecond / 1e6);
    }

    /**
     * TCP from red to blue, steady state: bits per second that arrive during {@code seconds},
     * after a first second for slow start. Then the connection is reset, so nothing queued in
     * its buffers has to drain.
     */
    static double tcp(NetNs red, NetNs blue, double seconds) throws Exception {
        return tcp(red, blue, 1, seconds);
    }

    /** The same after {@code warmup} seconds instead of one. */
    static double tcp(NetNs red, NetNs blue, double warmup, double seconds) throws Exception {
        try (ServerSocket server = blue.call(() -> {
            ServerSocket socket = new ServerSocket();
            socket.setReceiveBufferSize((int) WINDOW);
            socket.bind(new InetSocketAddress(9102));
            return socket;
        })) {
            AtomicLong received = new AtomicLong();
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread sink = new Thread(() -> {
                try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
                    byte[] buffer = new byte[1 << 20];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        received.addAndGet(n);
                    }
                } catch (java.io.IOException e) {
                    // reset at the end
                }
            });
            sink.start();
            Thread source = new Thread(() -> {
                try {
                    red.call(() -> {
                        try (Socket socket = new Socket()) {
                            socket.setSendBufferSize((int) WINDOW);
                            socket.setSoLinger(true, 0);
                            socket.connect(new InetSocketAddress("10.62.0.2", 9102));
                            OutputStream out = socket.getOutputStream();
                            byte[] chunk = new byte[1 << 16];
                            while (sending.get()) {
                                out.write(chunk);
                            }
                        }
                        return null;
                    });
                } catch (Exception e) {
                    // reset at the end
                }
            });
            source.start();
            Thread.sleep((long) (warmup * 1000));
            long from = received.get();
            long started = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            long bits = (received.get() - from) * 8;
            double elapsed = (System.nanoTime() - started) / 1e9;
            sending.set(false);
            source.join(30_000);
            sink.join(30_000);
            return bits / elapsed;
        }
    }
}
