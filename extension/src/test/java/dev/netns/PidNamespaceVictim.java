package dev.netns;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A JVM for {@link PidNamespaceIT}, run as root without a cgroup or rootless as {@code nobody}:
 * starts a topology whose program escapes its network namespace ({@code unshare -n}), prints the
 * escaped program's pid, then closes the topology ({@code close}) or waits to be killed
 * ({@code crash}).
 */
public final class PidNamespaceVictim {

    private PidNamespaceVictim() {
    }

    /**
     * Arguments: the sleep's marker (its argument), then {@code close}, {@code crash} or
     * {@code race} (20 topologies, each closed while a program that escapes is being started).
     */
    public static void main(String[] args) throws Exception {
        String marker = args[0];
        if (args[1].equals("race")) {
            race(marker);
            return;
        }
        Topology net = Topology.builder().namespace("red").start();
        NetNs red = net.namespace("red");
        // bytes for standard input still arrive (through a file, in a PID namespace)
        ExecResult cat = red.command("cat").input("fed\n".getBytes(StandardCharsets.US_ASCII)).exec();
        System.out.println("CAT " + cat.stdout().strip());
        Program program = red.start("sleep", "600");
        System.out.println("PROGRAM " + program.pid() + " " + ProcessHandle.of(program.pid())
                .flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L));
        String escaped = red.exec("sh", "-c", "(unshare -n sleep " + marker + " &) ; sleep 0.2").stderr();
        System.out.println("ESCAPED " + escaped.strip());
        System.out.flush();
        if (args[1].equals("close")) {
            net.close();
            System.out.println("CLOSED");
            boolean refused;
            try {
                red.exec("true");
                refused = false;
            } catch (NetnsException expected) {
                refused = true;
            }
            System.out.println("REFUSED " + refused);
            System.out.flush();
            return;
        }
        Thread.sleep(Duration.ofMinutes(10).toMillis());
    }

    private static void race(String marker) throws Exception {
        int refused = 0;
        for (int round = 0; round < 20; round++) {
            Topology net = Topology.builder().namespace("red").start();
            NetNs red = net.namespace("red");
            red.exec("true");
            boolean[] closedFirst = new boolean[1];
            Thread racer = new Thread(() -> {
                try {
                    red.exec("sh", "-c", "(setsid unshare -n sleep " + marker + " &)");
                } catch (NetnsException closedMeanwhile) {
                    closedFirst[0] = true;
                }
            });
            racer.start();
            // from closing first to closing well after the escape (a start takes a few ms)
            Thread.sleep(round * 3L);
            net.close();
            racer.join();
            refused += closedFirst[0] ? 1 : 0;
        }
        System.out.println("RACED " + refused);
    }
}
