package dev.netns;

import dev.netns.internal.namespace.Reaper;
import dev.netns.internal.topology.NamespaceHandle;
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

    /**
     * Arguments: the file the program writes its pid to; then optionally {@code every-way} (also
     * start programs by {@code start}, a shell's {@code &}, {@code setsid}, a double fork and a
     * {@code ProcessBuilder} in {@code call()}) and {@code stop-watchdog} (SIGSTOP the watchdog,
     * then start a second topology, which must replace it and replay what is owned).
     */
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
        String escaped = "";
        java.util.List<String> options = java.util.List.of(args).subList(1, args.length);
        if (options.contains("every-way")) {
            NetNs blue = net.namespace("blue");
            blue.start("sleep", "601");
            blue.exec("sh", "-c", "sleep 602 > /dev/null 2>&1 &");
            blue.exec("setsid", "-f", "sleep", "603");
            blue.exec("sh", "-c", "(setsid sh -c 'sleep 604 &' &) ; sleep 0.1");
            blue.call(() -> new ProcessBuilder("sleep", "605").start());
            // leaves the topology's namespaces altogether: only containment catches it
            escaped = blue.exec("sh", "-c", "(unshare -n sleep 606 & echo $! >&2)").stderr().strip();
            System.out.println("CAPTURE " + blue.capture("eth0").file());
        }
        if (options.contains("stop-watchdog")) {
            ProcessHandle watchdog = Reaper.get().process();
            new ProcessBuilder("kill", "-STOP", Long.toString(watchdog.pid())).start().waitFor();
            try (Topology second = Topology.builder().namespace("green").start()) {
                second.namespace("green").exec("true");
            }
            if (Reaper.get().process().pid() == watchdog.pid()) {
                throw new IllegalStateException("the stopped watchdog was not replaced");
            }
        }
        String inodes = net.namespaces().stream()
                .map(ns -> Long.toString(((NamespaceHandle) ns).inode()))
                .collect(Collectors.joining(","));
        System.out.println("READY " + inodes + " " + Files.readString(pidFile).strip() + " " + escaped);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
