package dev.netns.internal.namespace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** What this JVM's topologies cost and left, for the one-line summary at the end of a test run. */
public final class RunStatistics {

    private static final AtomicLong TOPOLOGIES = new AtomicLong();
    private static final AtomicLong BUILD_NANOS = new AtomicLong();
    private static final AtomicLong TEARDOWN_NANOS = new AtomicLong();
    private static final AtomicLong PROCESSES_KILLED = new AtomicLong();
    private static final AtomicLong LEFTOVERS_SWEPT = new AtomicLong();
    private static final List<String> KEPT = new CopyOnWriteArrayList<>();

    private RunStatistics() {
    }

    public static void built(long nanos) {
        TOPOLOGIES.incrementAndGet();
        BUILD_NANOS.addAndGet(nanos);
    }

    public static void tornDown(long nanos, int processesKilled) {
        TEARDOWN_NANOS.addAndGet(nanos);
        PROCESSES_KILLED.addAndGet(processesKilled);
    }

    static void swept(int processes) {
        LEFTOVERS_SWEPT.addAndGet(processes);
    }

    public static void kept(String realName) {
        KEPT.add(realName);
    }

    /**
     * The summary line, or empty when no topology was built. Kept namespaces that someone removed
     * since ({@code ip netns del}, a reboot of {@code /run}) are left out: the line names only what is
     * still there to remove.
     */
    public static String summary() {
        if (TOPOLOGIES.get() == 0) {
            return "";
        }
        StringBuilder text = new StringBuilder(String.format(
                "netns-junit: %d topologies built in %.0f ms and torn down in %.0f ms; %d processes killed at teardown; "
                        + "%d leftovers of dead runs swept",
                TOPOLOGIES.get(), BUILD_NANOS.get() / 1e6, TEARDOWN_NANOS.get() / 1e6, PROCESSES_KILLED.get(),
                LEFTOVERS_SWEPT.get()));
        List<String> stillKept = KEPT.stream().filter(name -> Files.exists(Path.of("/run/netns", name))).toList();
        if (!stillKept.isEmpty()) {
            text.append("; kept ").append(stillKept.size()).append(stillKept.size() == 1 ? " namespace" : " namespaces")
                    .append(", remove ").append(stillKept.size() == 1 ? "it" : "them").append(" with: ");
            stillKept.forEach(name -> text.append("ip netns del ").append(name).append("; "));
        }
        return text.toString().strip();
    }
}
