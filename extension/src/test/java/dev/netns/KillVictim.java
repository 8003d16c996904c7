package dev.netns;

import dev.netns.internal.topology.NamespaceHandle;
import java.time.Duration;

/**
 * A JVM for {@link KillHarnessIT} to kill at a random moment: builds topologies, starts programs
 * every way, runs programs, tears down, over and over, printing the inode of every namespace it
 * gets as soon as it has it.
 */
public final class KillVictim {

    private KillVictim() {
    }

    /** Loops until killed. */
    public static void main(String[] args) throws Exception {
        System.out.println("READY");
        System.out.flush();
        for (int round = 0; ; round++) {
            try (Topology net = Topology.builder()
                    .namespace("red").namespace("blue")
                    .bridge("br0", "10.70.0.254/24")
                    .veth("red", "10.70.0.1/24", "br0", null)
                    .veth("blue", "10.70.0.2/24", "br0", null)
                    .start()) {
                for (NetNs namespace : net.namespaces()) {
                    System.out.println("NS " + ((NamespaceHandle) namespace).inode());
                }
                System.out.flush();
                NetNs red = net.namespace("red");
                NetNs blue = net.namespace("blue");
                red.start("sleep", "600");
                red.exec("sh", "-c", "sleep 601 > /dev/null 2>&1 &");
                blue.exec("setsid", "-f", "sleep", "602");
                blue.exec("sh", "-c", "(setsid sh -c 'sleep 603 &' &)");
                blue.call(() -> new ProcessBuilder("sleep", "604").start());
                red.exec(Duration.ofSeconds(5), "true");
                red.ping("blue");
            }
        }
    }
}
