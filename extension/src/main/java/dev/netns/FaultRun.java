package dev.netns;

import dev.netns.internal.fault.FaultGantt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A {@link FaultSchedule} running in the background on a topology, started by
 * {@link Topology#startFaults(FaultSchedule)}. {@link #close()} stops it and heals the fault it
 * holds; so does the topology's teardown. The {@link #timeline()} stays readable after that, and
 * the report of a failed test shows it, as text and as a Mermaid gantt chart.
 */
public final class FaultRun implements AutoCloseable {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Topology topology;
    private final FaultSchedule schedule;
    private final long started = System.nanoTime();
    private final List<FaultEvent> timeline = new ArrayList<>();
    private final List<FaultGantt.Span> spans = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final Map<Program, Program> current = new IdentityHashMap<>();
    private final Thread thread;
    private volatile boolean stopping;
    private boolean closed;

    FaultRun(Topology topology, FaultSchedule schedule) {
        this.topology = topology;
        this.schedule = schedule;
        for (Fault fault : schedule.faults()) {
            fault.programs().forEach(program -> current.put(program, program));
        }
        thread = new Thread(this::run, "netns-junit-faults-" + schedule.seed());
        thread.setDaemon(true);
        thread.start();
    }

    /** The schedule's seed: {@code FaultSchedule.builder().seed(seed)} replays this run's choices. */
    public long seed() {
        return schedule.seed();
    }

    /** What was done so far, heals included, in order. */
    public synchronized List<FaultEvent> timeline() {
        return List.copyOf(timeline);
    }

    /**
     * The program that runs now in place of {@code original}: {@code original} itself, or the
     * program a crash fault restarted last.
     */
    public synchronized Program current(Program original) {
        return current.getOrDefault(original, original);
    }

    /** The timeline as a Mermaid {@code gantt} chart: one bar per fault, from when it was made to its heal. */
    public synchronized String gantt() {
        return FaultGantt.render(spans, schedule.seed(), elapsed().toMillis());
    }

    /** The timeline as text, one event a line, with the seed and the chart: what a failed test's report shows. */
    public synchronized String report() {
        StringBuilder text = new StringBuilder(schedule.toString()).append('\n');
        timeline.forEach(event -> text.append("  ").append(event).append('\n'));
        failures.forEach(failure -> text.append("  failed: ").append(failure).append('\n'));
        return text.append(gantt()).toString();
    }

    /**
     * Stops the schedule and heals the fault it holds (resumes a paused program, restarts a
     * crashed one, removes a partition). Safe to call twice.
     *
     * @throws NetnsException when a fault could not be made or healed during the run
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stopping = true;
        thread.interrupt();
        try {
            thread.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> failed;
        synchronized (this) {
            failed = List.copyOf(failures);
        }
        if (!failed.isEmpty()) {
            throw new NetnsException("fault schedule with seed " + schedule.seed() + ": " + String.join("; ", failed)
                    + "\n" + report());
        }
    }

    private void run() {
        Random random = schedule.random();
        long next = started;
        while (!stopping) {
            Fault.Planned planned = schedule.next(random);
            boolean made = act(planned, true);
            next += schedule.every().toNanos();
            sleepUntil(next);
            if (made) {
                act(planned, false);
            }
            if (!schedule.calm().isZero()) {
                next += schedule.calm().toNanos();
                sleepUntil(next);
            }
        }
    }

    /** Makes ({@code make}) or heals a fault; a failure is recorded, never thrown. */
    private boolean act(Fault.Planned planned, boolean make) {
        if (make && stopping) {
            return false;
        }
        String description = make ? planned.description() : planned.healDescription();
        try {
            List<String> pair = planned.fault().impairedPair();
            if (pair != null) {
                if (make) {
                    topology.impair(pair.get(0), pair.get(1), planned.impairment());
                } else {
                    topology.clearImpairment(pair.get(0), pair.get(1));
                }
            } else if (planned.partition() != null) {
                if (make) {
                    topology.partition(planned.partition());
                } else {
                    topology.heal(planned.partition());
                }
            } else {
                Program original = planned.fault().programs().get(planned.program());
                Program program = current(original);
                if (planned.fault().restarts()) {
                    if (make) {
                        program.kill();
                    } else {
                        Program restarted = program.restart();
                        synchronized (this) {
                            current.put(original, restarted);
                        }
                    }
                } else if (make) {
                    program.pause();
                } else {
                    program.resume();
                }
            }
            record(planned, description, make);
            return true;
        } catch (RuntimeException e) {
            synchronized (this) {
                failures.add(description + ": " + e.getMessage());
                timeline.add(new FaultEvent(elapsed(), "failed to " + description + ": " + e.getMessage()));
            }
            return false;
        }
    }

    private synchronized void record(Fault.Planned planned, String description, boolean make) {
        Duration at = elapsed();
        timeline.add(new FaultEvent(at, description));
        if (make) {
            spans.add(new FaultGantt.Span(planned.fault().onPrograms() ? "processes" : "network", description,
                    at.toMillis(), -1));
        } else {
            for (int i = spans.size() - 1; i >= 0; i--) {
                FaultGantt.Span span = spans.get(i);
                if (span.endMillis() < 0 && span.label().equals(planned.description())) {
                    spans.set(i, new FaultGantt.Span(span.lane(), span.label(), span.startMillis(), at.toMillis()));
                    break;
                }
            }
        }
    }

    /** Sleeps until {@code deadline}; a close cuts it short (the fault is then healed at once). */
    private void sleepUntil(long deadline) {
        while (!stopping) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                // close() interrupts: heal now
            }
        }
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    @Override
    public String toString() {
        return "FaultRun[seed " + schedule.seed() + ", " + timeline().size() + " events]";
    }
}
