package dev.netns;

import dev.netns.internal.NamespaceHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * A JVM to be killed by {@link CrashIT}: starts a topology, runs a program (which itself starts a
 * child) inside a namespace, prints the namespaces' inodes and the program's pid, then waits.
 */
public final class CrashVictim {

    private CrashVictim() {
    }

    /** Arguments: the file the program writes its pid to. */
    public static void main(String[] args) throws Exception {
        Path pidFile = Path.of(args[0]);
        Topology net = Topology.builder()
                .namespace("red")
                .namespace("blue")
                .bridge("br0", "10.0.0.254/24")
                .veth("red", "10.0.0.1/24", "br0", null)
                .veth("blue", "10.0.0.2/24", "br0", null)
                .start();
        Thread program = new Thread(() -> net.namespace("red").exec(Duration.ofMinutes(10),
                "sh", "-c", "sleep 600 & echo $$ > " + pidFile + "; wait"));
        program.setDaemon(true);
        program.start();
        while (Files.size(pidFile) == 0) {
            Thread.sleep(10);
        }
        String inodes = net.namespaces().stream()
                .map(ns -> Long.toString(((NamespaceHandle) ns).inode()))
                .collect(Collectors.joining(","));
        System.out.println("READY " + inodes + " " + Files.readString(pidFile).strip());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
