package dev.netns.bench;

import dev.netns.Impairment;
import dev.netns.NetNs;
import dev.netns.PingResult;
import dev.netns.Topology;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures impaired links with real traffic against what was asked for, next to the same link
 * unimpaired, in one run: delay, loss over 10,000 datagrams, rate, and raw throughput.
 */
final class ImpairmentAccuracy {

    /** One line of the accuracy table. */
    record Row(String what, String asked, String measured, String target, boolean met) {
    }

    private ImpairmentAccuracy() {
    }

    static List<Row> measure(double scale) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (Topology net = Topology.builder().namespace("red").namespace("blue")
                .veth("red", "10.60.0.1/24", "blue", "10.60.0.2/24").start()) {
            NetNs red = net.namespace("red");
            NetNs blue = net.namespace("blue");
            double baseRtt = medianRtt(red, (int) Math.max(20, 100 * scale));
            for (int delay : new int[] {10, 50}) {
                red.link("eth0").impair(Impairment.builder().delay(Duration.ofMillis(delay)).build());
                double added = medianRtt(red, (int) Math.max(20, 100 * scale)) - baseRtt;
                red.link("eth0").clearImpairment();
                rows.add(new Row("delay, ping RTT minus the unimpaired RTT (" + String.format("%.3f", baseRtt) + " ms), median",
                        delay + " ms", String.format("%.2f ms", added), "+2/-0 ms", added >= delay && added <= delay + 2));
            }
            int datagrams = (int) Math.max(2000, 10_000 * scale);
            for (double loss : new double[] {10, 30}) {
                red.link("eth0").impair(Impairment.builder().loss(loss).seed(11).build());
                double delivered = udpDelivered(red, blue, datagrams);
                red.link("eth0").clearImpairment();
                double lostPercent = 100 - delivered * 100;
                rows.add(new Row("loss over " + datagrams + " UDP datagrams", loss + " %",
                        String.format("%.2f %%", lostPercent), "±3 points", Math.abs(lostPercent - loss) <= 3));
            }
            for (long rate : new long[] {10_000_000, 100_000_000}) {
                red.link("eth0").impair(Impairment.builder().rate(rate).build());
                double measured = tcpBitsPerSecond(red, blue, (int) Math.max(2_000_000, rate / 8 * 2 * scale));
                red.link("eth0").clearImpairment();
                rows.add(new Row("rate, TCP throughput", rate / 1_000_000 + " Mbit/s",
                        String.format("%.2f Mbit/s", measured / 1e6), "±10 %", Math.abs(measured - rate) <= rate * 0.10));
            }
            int bytes = (int) Math.max(50_000_000, 500_000_000 * scale);
            double plain = tcpBitsPerSecond(red, blue, bytes);
            rows.add(new Row("throughput of a plain veth (no impairment set: nothing is redirected)", "-",
                    String.format("%.2f Gbit/s", plain / 1e9), "full speed", true));
            red.link("eth0").impair(Impairment.builder().build());
            double shaped = tcpBitsPerSecond(red, blue, bytes / 5);
            red.link("eth0").clearImpairment();
            rows.add(new Row("throughput with an empty impairment (nothing is redirected)", "-",
                    String.format("%.2f Gbit/s", shaped / 1e9), "report", true));
        }
        return rows;
    }

    private static double medianRtt(NetNs from, int count) {
        double[] rtts = new double[count];
        for (int i = 0; i < count; i++) {
            PingResult ping = from.ping("blue");
            if (!ping.reachable()) {
                throw new IllegalStateException(ping.toString());
            }
            rtts[i] = Double.parseDouble(ping.output().replaceAll(".* after ([0-9.]+) ms.*", "$1"));
        }
        Arrays.sort(rtts);
        return rtts[count / 2];
    }

    private static double udpDelivered(NetNs red, NetNs blue, int count) throws Exception {
        AtomicInteger received = new AtomicInteger();
        try (DatagramSocket server = blue.call(() -> {
            DatagramSocket socket = new DatagramSocket(9100);
            socket.setReceiveBufferSize(8 << 20);
            socket.setSoTimeout(1000);
            return socket;
        })) {
            Thread receiver = new Thread(() -> {
                byte[] buffer = new byte[2048];
                while (true) {
                    try {
                        server.receive(new DatagramPacket(buffer, buffer.length));
                        received.incrementAndGet();
                    } catch (java.io.IOException idle) {
                        return;
                    }
                }
            });
            receiver.start();
            red.call(() -> {
                try (DatagramSocket client = new DatagramSocket()) {
                    for (int i = 0; i < count; i++) {
                        byte[] payload = ("datagram " + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                        client.send(new DatagramPacket(payload, payload.length, new InetSocketAddress("10.60.0.2", 9100)));
                        if (i % 50 == 49) {
                            Thread.sleep(1);
                        }
                    }
                }
                return null;
            });
            receiver.join(60_000);
        }
        return received.get() / (double) count;
    }

    private static double tcpBitsPerSecond(NetNs red, NetNs blue, int bytes) throws Exception {
        try (ServerSocket server = blue.call(() -> new ServerSocket(9101))) {
            long[] finished = new long[1];
            Thread sink = new Thread(() -> {
                try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
                    in.transferTo(OutputStream.nullOutputStream());
                    finished[0] = System.nanoTime();
                } catch (java.io.IOException e) {
                    finished[0] = System.nanoTime();
                }
            });
            sink.start();
            long started = System.nanoTime();
            red.call(() -> {
                try (Socket socket = new Socket("10.60.0.2", 9101); OutputStream out = socket.getOutputStream()) {
                    byte[] chunk = new byte[256 * 1024];
                    for (int sent = 0; sent < bytes; sent += chunk.length) {
                        out.write(chunk, 0, Math.min(chunk.length, bytes - sent));
                    }
                }
                return null;
            });
            sink.join(120_000);
            return bytes * 8.0 / ((finished[0] - started) / 1e9);
        }
    }
}
