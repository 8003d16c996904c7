package dev.netns.internal.namespace;

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

    /** The summary line, or empty when no topology was built. */
    public static String summary() {
        if (TOPOLOGIES.get() == 0) {
            return "";
        }
        StringBuilder text = new StringBuilder(String.format(
                "netns-junit: %d topologies built in %.0f ms and torn down in %.0f ms; %d processes killed at teardown; "
                        + "%d leftovers of dead runs swept",
                TOPOLOGIES.get(), BUILD_NANOS.get() / 1e6, TEARDOWN_NANOS.get() / 1e6, PROCESSES_KILLED.get(),
                LEFTOVERS_SWEPT.get()));
        if (!KEPT.isEmpty()) {
            text.append("; kept ").append(KEPT.size()).append(" namespaces, remove them with: ");
            KEPT.forEach(name -> text.append("ip netns del ").append(name).append("; "));
        }
        return text.toString().strip();
    }
}
