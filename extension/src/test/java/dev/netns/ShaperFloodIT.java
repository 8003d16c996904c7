package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A flood through an impaired link in a JVM with a 64 MiB heap: memory stays bounded and the link keeps working. */
class ShaperFloodIT {

    @Test
    void aFloodOfNewFlowsInASmallHeapLeavesTheLinkWorking() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), Flood.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as(output).contains("RESULT ok");
        assertThat(process.exitValue()).as(output).isZero();
    }

    /** The child: floods datagrams to 40,000 ports (as many flows) through a delayed, lossy link for 4 s. */
    public static final class Flood {

        public static void main(String[] args) throws Exception {
            try (Topology net = Topology.builder().namespace("red").namespace("blue")
                    .veth("red", "10.8.0.1/24", "blue", "10.8.0.2/24").start()) {
                NetNs red = net.namespace("red");
                Link cable = red.link("eth0");
                cable.impair(Impairment.builder().delay(Duration.ofMillis(5)).loss(1).seed(1).build());
                AtomicBoolean flooding = new AtomicBoolean(true);
                List<Thread> senders = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int offset = t;
                    // born inside call(): the thread, and its socket, live in red
                    Thread sender = red.call(() -> new Thread(() -> {
                        try (DatagramSocket socket = new DatagramSocket()) {
                            byte[] payload = new byte[200];
                            for (int i = offset; flooding.get(); i += 2) {
                                socket.send(new DatagramPacket(payload, payload.length,
                                        new InetSocketAddress("10.8.0.2", 1024 + i % 40_000)));
                            }
                        } catch (Exception e) {
                            System.out.println("sender: " + e);
                        }
                    }));
                    red.call(() -> {
                        sender.start();
                        return null;
                    });
                    senders.add(sender);
                }
                long peak = 0;
                long end = System.nanoTime() + 4_000_000_000L;
                while (System.nanoTime() < end) {
                    Thread.sleep(100);
                    peak = Math.max(peak, Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
                }
                flooding.set(false);
                for (Thread sender : senders) {
                    sender.join();
                }
                // the shaper may still be working through what the kernel queued for it: wait until it is done
                ImpairmentStatistics stats = cable.impairmentStatistics();
                for (int i = 0; i < 100; i++) {
                    Thread.sleep(100);
                    ImpairmentStatistics now = cable.impairmentStatistics();
                    if (now.equals(stats) && now.held() == 0) {
                        break;
                    }
                    stats = now;
                }
                boolean reachable = red.ping("10.8.0.2", Duration.ofSeconds(2)).reachable();
                boolean counted = stats.sent() + stats.dropped() + stats.held() == stats.frames() + stats.duplicated();
                System.out.println("flood: " + stats + "; peak heap " + (peak >> 20) + " MiB; ping after " + reachable);
                boolean ok = reachable && counted && stats.failure().isEmpty() && stats.frames() > 10_000;
                System.out.println(ok ? "RESULT ok" : "RESULT failed");
                System.exit(ok ? 0 : 1);
            }
        }
    }
}
