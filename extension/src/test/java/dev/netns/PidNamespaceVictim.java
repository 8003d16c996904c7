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

    /** Arguments: the sleep's marker (its argument), then {@code close} or {@code crash}. */
    public static void main(String[] args) throws Exception {
        String marker = args[0];
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
}
