package dev.netns.history;

import java.util.Objects;

/**
 * One client operation of a {@link History}: invoked by a process, then completed once with
 * {@link #ok()}, {@link #ok(Object)}, {@link #fail()} or {@link #info()}.
 *
 * <pre>{@code
 * Operation op = history.invoke(process, "write", 3);
 * try {
 *     client.write(3);
 *     op.ok();
 * } catch (TimeoutException e) {
 *     op.info();      // it may have happened, or not
 * } catch (RejectedException e) {
 *     op.fail();      // it certainly did not happen
 * }
 * }</pre>
 *
 * <p>An operation never completed when the history is checked counts as {@link Outcome#INFO}.
 */
public final class Operation {

    /** How an operation ended. */
    public enum Outcome {
        /** Not completed yet; checked as {@link #INFO}. */
        PENDING,
        /** It happened, between its invocation and its completion, with the given result. */
        OK,
        /** It certainly did not happen (a cas whose comparison failed is one). */
        FAIL,
        /** Unknown: it may have taken effect at any time after its invocation, or never (a timeout). */
        INFO
    }

    static final long NO_TIME = Long.MIN_VALUE;

    private final History history;
    private final int process;
    private final String function;
    private final Object key;
    private final boolean keyed;
    private final Object value;
    private final long invokedAt;
    private final long invokedNanos;
    private Outcome outcome = Outcome.PENDING;
    private Object result;
    private long completedAt = -1;
    private long completedNanos = NO_TIME;
    private int invokedLine;
    private int completedLine;

    Operation(History history, int process, String function, Object key, boolean keyed, Object value, long invokedAt,
            long invokedNanos) {
        this.history = history;
        this.process = process;
        this.function = Objects.requireNonNull(function, "function");
        this.key = key;
        this.keyed = keyed;
        this.value = value;
        this.invokedAt = invokedAt;
        this.invokedNanos = invokedNanos;
    }

    /** It completed and returned nothing worth checking (a write, a put, a successful cas). */
    public void ok() {
        ok(null);
    }

    /** It completed and returned {@code result} (a read's or get's value; {@code null} is Jepsen's nil). */
    public void ok(Object result) {
        history.complete(this, Outcome.OK, result);
    }

    /** It certainly did not happen: refused, or a cas whose comparison failed. */
    public void fail() {
        history.complete(this, Outcome.FAIL, null);
    }

    /** Its outcome is unknown (a timeout, a lost connection): it may take effect later, or never. */
    public void info() {
        history.complete(this, Outcome.INFO, null);
    }

    /** The process (client) that invoked it. */
    public int process() {
        return process;
    }

    /** What it does: {@code "read"}, {@code "write"}, {@code "cas"}, {@code "get"}, {@code "put"}, {@code "append"}. */
    public String function() {
        return function;
    }

    /** The key of a key-value operation, {@code null} for others. */
    public Object key() {
        return key;
    }

    /** Whether it was invoked with a key. */
    public boolean hasKey() {
        return keyed;
    }

    /** The argument it was invoked with ({@code List.of(from, to)} for a cas). */
    public Object value() {
        return value;
    }

    /** The result given to {@link #ok(Object)}, {@code null} otherwise. */
    public synchronized Object result() {
        return result;
    }

    /** How it ended so far. */
    public synchronized Outcome outcome() {
        return outcome;
    }

    /** Position of its invocation among all events of the history (0, 1, 2, ...). */
    public long invokedAt() {
        return invokedAt;
    }

    /** Position of its completion among all events of the history, or -1 while pending. */
    public synchronized long completedAt() {
        return completedAt;
    }

    long invokedNanos() {
        return invokedNanos;
    }

    synchronized long completedNanos() {
        return completedNanos;
    }

    /** Lines of the file it was read from (0 when recorded live). */
    void lines(int invoked, int completed) {
        if (invoked > 0) {
            invokedLine = invoked;
        }
        if (completed > 0) {
            completedLine = completed;
        }
    }

    /** Where it is in the history: {@code [#4-#9]}, or {@code [lines 4-9]} when read from a file. */
    synchronized String where() {
        if (invokedLine > 0) {
            return "[line" + (completedLine > 0 ? "s " + invokedLine + "-" + completedLine : " " + invokedLine + "-?") + "]";
        }
        return "[#" + invokedAt + "-" + (completedAt >= 0 ? "#" + completedAt : "?") + "]";
    }

    /** Called by the history, under its lock, with the next event position. */
    synchronized void completeAs(Outcome how, Object returned, long position, long nanos) {
        if (outcome != Outcome.PENDING) {
            throw new IllegalStateException("operation already completed as " + outcome + ": " + this);
        }
        outcome = how;
        result = returned;
        completedAt = position;
        completedNanos = nanos;
    }

    /** {@code process 2: write 3 -> OK}. */
    @Override
    public synchronized String toString() {
        return "process " + process + ": " + Describe.call(this) + " -> " + outcome;
    }
}
