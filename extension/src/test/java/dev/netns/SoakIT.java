package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.internal.namespace.Graveyard;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** 1,000 topology cycles in one JVM: file descriptors, threads and heap stay flat. */
@Isolated("counts the JVM's file descriptors and threads")
class SoakIT {

    private static final int CYCLES = 1_000;
    private static final int WARMUP = 100;

    @Test
    void thousandCyclesLeakNoDescriptorThreadOrMemory() throws Exception {
        Sample before = null;
        long started = System.nanoTime();
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            try (Topology net = Topology.builder()
                    .namespace("red")
                    .namespace("blue")
                    .veth("red", "10.0.0.1/24", "blue", "10.0.0.2/24")
                    .start()) {
                if (cycle % 50 == 0) {
                    assertThat(net.namespace("red").exec("true").succeeded()).isTrue();
                    assertThat(net.namespace("red").addresses()).filteredOn(a -> a.cidr().contains(".")).hasSize(2);
                }
            }
            if (cycle == WARMUP) {
                before = Sample.take();
            }
        }
        Sample after = Sample.take();
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("soak: %d cycles in %.1f s; after %d cycles: %s; after %d: %s%n",
                CYCLES, seconds, WARMUP, before, CYCLES, after);

        assertThat(after.descriptors - before.descriptors).as("open file descriptors growth").isLessThanOrEqualTo(5);
        assertThat(after.threads - before.threads).as("live threads growth").isLessThanOrEqualTo(3);
        assertThat(after.heapBytes - before.heapBytes).as("heap in use after GC, growth").isLessThan(16L << 20);
    }

    private record Sample(long descriptors, int threads, long heapBytes) {

        static Sample take() throws IOException, InterruptedException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(50);
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            // closed namespaces are let go in batches: count what is open for good
            Graveyard.releaseAll();
            try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
                return new Sample(descriptors.count(), ManagementFactory.getThreadMXBean().getThreadCount(), heap);
            }
        }

        @Override
        public String toString() {
            return descriptors + " fds, " + threads + " threads, " + (heapBytes >> 10) + " KiB heap";
        }
    }
}
