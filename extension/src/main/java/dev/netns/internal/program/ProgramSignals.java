package dev.netns.internal.program;

import dev.netns.internal.namespace.NamespaceProcesses;
import dev.netns.internal.system.Libc;
import dev.netns.internal.system.Pidfds;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Stops and continues a program with its children (SIGSTOP, SIGCONT), each through a pidfd. The
 * one place that sends these signals, so that another way (a cgroup's freezer) can replace it.
 */
final class ProgramSignals {

    /** Rounds of looking for children born while the tree was being stopped. */
    private static final int ROUNDS = 5;

    private ProgramSignals() {
    }

    /**
     * SIGSTOP to the program first (once stopped it starts no new child), then to every
     * descendant; returns once they are all stopped (see {@link NamespaceProcesses#awaitStopped}).
     */
    static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        signal(process, Libc.SIGSTOP);
        Set<Long> stopped = new HashSet<>();
        stopped.add(process.pid());
        for (int round = 0; round < ROUNDS; round++) {
            List<ProcessHandle> found = process.descendants().filter(child -> !stopped.contains(child.pid())).toList();
            if (found.isEmpty()) {
                break;
            }
            for (ProcessHandle child : found) {
                Pidfds.signal(child, Libc.SIGSTOP);
                stopped.add(child.pid());
            }
        }
        NamespaceProcesses.awaitStopped(stopped);
    }

    /** SIGCONT to every descendant, then to the program. */
    static void resume(Process process) {
        process.descendants().forEach(child -> Pidfds.signal(child, Libc.SIGCONT));
        signal(process, Libc.SIGCONT);
    }

    /** Signals the program itself through a pidfd, as every signal of the library goes. */
    private static void signal(Process process, int signal) {
        try {
            if (process.isAlive()) {
                Pidfds.signal(process.toHandle(), signal);
            }
        } catch (IllegalStateException exited) {
            // exited meanwhile: nothing to stop or continue
        }
    }
}
