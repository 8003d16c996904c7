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
        try (Topology net = Topology.builder().namespace("red").namespace("blue")
                .veth("red", "10.62.0.1/24", "blue", "10.62.0.2/24").start()) {
            NetNs red = net.namespace("red");
            NetNs blue = net.namespace("blue");
            for (NetNs end : new NetNs[] {red, blue}) {
                // windows large enough for 10 ms at several Gbit/s (per namespace: the machine's own stay as they are)
                end.exec("sysctl", "-q", "-w", "net.ipv4.tcp_rmem=4096 131072 " + WINDOW,
                        "net.ipv4.tcp_wmem=4096 131072 " + WINDOW, "net.core.rmem_max=" + WINDOW,
                        "net.core.wmem_max=" + WINDOW);
            }
            long bulk = (long) Math.max(200_000_000, 2_000_000_000L * scale);
            double plain = tcp(red, blue, bulk);
            rows.add(new Row("plain veth, no impairment (the limit)", gbit(plain), "1.00x", "-", true));
            rows.add(shaped(red, blue, plain, "empty impairment", Impairment.builder().build(), bulk, 5e9));
            rows.add(shaped(red, blue, plain, "loss 0.1 % only", Impairment.builder().loss(0.1).seed(1).build(), bulk, 5e9));
            rows.add(shaped(red, blue, plain, "loss 1 % only", Impairment.builder().loss(1).seed(1).build(), bulk / 4, 0));
            rows.add(shaped(red, blue, plain, "delay 10 ms (window up to 64 MiB)",
                    Impairment.builder().delay(Duration.ofMillis(10)).build(), bulk / 4, 2e9));
            rows.add(shaped(red, blue, plain, "delay 10 ms, jitter 1 ms (window up to 64 MiB)",
                    Impairment.builder().delay(Duration.ofMillis(10)).jitter(Duration.ofMillis(1)).build(), bulk / 8, 0));
            for (long rate : new long[] {1_000_000, 10_000_000, 100_000_000, 1_000_000_000}) {
                red.link("eth0").impair(Impairment.builder().rate(rate).build());
                long bytes = (long) Math.max(rate / 8 * 2, rate / 8 * 4 * scale);
                double measured = tcp(red, blue, bytes);
                red.link("eth0").clearImpairment();
                double error = (measured - rate) / rate;
                rows.add(new Row("rate " + human(rate), human((long) measured), String.format("%+.1f %% of the rate",
                        error * 100), "±10 %", Math.abs(error) <= 0.10));
            }
        }
        rows.add(new Row("Toxiproxy carrying the same stream", "not measured", "", "-", true));
        return rows;
    }

    private static Row shaped(NetNs red, NetNs blue, double plain, String what, Impairment impairment, long bytes,
            double target) throws Exception {
        red.link("eth0").impair(impairment);
        double measured = tcp(red, blue, bytes);
        String statistics = red.link("eth0").impairmentStatistics().toString();
        red.link("eth0").clearImpairment();
        System.err.println(what + ": " + gbit(measured) + "; " + statistics);
        return new Row(what, gbit(measured), String.format("%.2fx", measured / plain),
                target > 0 ? String.format(">= %.0f Gbit/s", target / 1e9) : "report", target <= 0 || measured >= target);
    }

    private static String gbit(double bitsPerSecond) {
        return String.format("%.2f Gbit/s", bitsPerSecond / 1e9);
    }

    private static String human(long bitsPerSecond) {
        return bitsPerSecond >= 1_000_000_000 ? String.format("%.3f Gbit/s", bitsPerSecond / 1e9)
                : String.format("%.3f Mbit/s", bitsPerSecond / 1e6);
    }

    /** Sends {@code bytes} over one TCP connection red to blue; bits per second from connect to the last byte read. */
    static double tcp(NetNs red, NetNs blue, long bytes) throws Exception {
        try (ServerSocket server = blue.call(() -> {
            ServerSocket socket = new ServerSocket();
            socket.setReceiveBufferSize((int) WINDOW);
            socket.bind(new InetSocketAddress(9102));
            return socket;
        })) {
            long[] finished = new long[1];
            Thread sink = new Thread(() -> {
                try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (java.io.IOException e) {
                    // measured up to here
                }
                finished[0] = System.nanoTime();
            });
            sink.start();
            long started = System.nanoTime();
            red.call(() -> {
                try (Socket socket = new Socket()) {
                    socket.setSendBufferSize((int) WINDOW);
                    socket.connect(new InetSocketAddress("10.62.0.2", 9102));
                    OutputStream out = socket.getOutputStream();
                    byte[] chunk = new byte[1 << 20];
                    for (long sent = 0; sent < bytes; sent += chunk.length) {
                        out.write(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
                    }
                }
                return null;
            });
            sink.join(600_000);
            return bytes * 8 / ((finished[0] - started) / 1e9);
        }
    }
}
