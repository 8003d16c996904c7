package dev.netns.internal.program;

import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Stops and continues a program with its children (SIGSTOP, SIGCONT). The one place that sends
 * these signals, so that another way (a cgroup's freezer, pidfds) can replace it.
 */
final class ProgramSignals {

    /** Rounds of looking for children born while the tree was being stopped. */
    private static final int ROUNDS = 5;

    private ProgramSignals() {
    }

    /** SIGSTOP to the program first (it can start no new child then), then to every descendant. */
    static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        signal(process.pid(), Libc.SIGSTOP);
        Set<Long> stopped = new HashSet<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<ProcessHandle> found = process.descendants().filter(child -> !stopped.contains(child.pid())).toList();
            if (found.isEmpty()) {
                return;
            }
            for (ProcessHandle child : found) {
                signal(child.pid(), Libc.SIGSTOP);
                stopped.add(child.pid());
            }
        }
    }

    /** SIGCONT to every descendant, then to the program. */
    static void resume(Process process) {
        process.descendants().forEach(child -> signal(child.pid(), Libc.SIGCONT));
        if (process.isAlive()) {
            signal(process.pid(), Libc.SIGCONT);
        }
    }

    private static void signal(long pid, int signal) {
        try {
            Libc.kill((int) pid, signal);
        } catch (KernelException gone) {
            // exited meanwhile: nothing to stop or continue
        }
    }
}
