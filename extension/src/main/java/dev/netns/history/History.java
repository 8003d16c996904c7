package dev.netns.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A thread-safe, in-order record of what clients asked a system and what it answered, to be
 * checked with {@link Linearizability#check(History, Model)}.
 *
 * <p>Record the invocation just before the client sends its request and the completion just
 * after the answer arrives; the order of those events is the only timing the checker trusts.
 *
 * <pre>{@code
 * History history = History.create();
 * // in each client thread, with its own process number p:
 * Operation op = history.invoke(p, "write", v);
 * try {
 *     client.write(v);
 *     op.ok();
 * } catch (TimeoutException e) {
 *     op.info();
 * }
 * Operation read = history.invoke(p, "read", null);
 * read.ok(client.read());
 * // at the end:
 * assertThat(history).isLinearizable(Model.register());
 * }</pre>
 */
public final class History {

    private final List<Operation> operations = new ArrayList<>();
    private long nextPosition;

    private History() {
    }

    /** An empty history. */
    public static History create() {
        return new History();
    }

    /**
     * Reads a history that Jepsen wrote: EDN maps such as
     * {@code {:process 0, :type :invoke, :f :write, :value 3}} (one a line, or all in one vector
     * or list; {@code :key} for key-value operations; {@code :time} in nanoseconds when present),
     * or the lines of a Jepsen log ({@code INFO jepsen.util - 0 :invoke :read nil}). Operations of
     * the {@code :nemesis} (any non-numeric process) are skipped.
     *
     * @throws UncheckedIOException when the file cannot be read
     * @throws IllegalArgumentException when it is not such a history, naming the line
     */
    public static History readJepsen(Path file) {
        try {
            return JepsenReader.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Jepsen history " + file, e);
        }
    }

    /**
     * Process {@code process} starts operation {@code function} ({@code "read"}, {@code "write"},
     * {@code "cas"}) with argument {@code value} ({@code null} for a read, {@code List.of(from, to)}
     * for a cas). Complete the returned operation once.
     */
    public Operation invoke(int process, String function, Object value) {
        return record(process, function, null, false, value, System.nanoTime());
    }

    /**
     * Process {@code process} starts key-value operation {@code function} ({@code "get"},
     * {@code "put"}, {@code "append"}) on {@code key} with argument {@code value} ({@code null} for a get).
     */
    public Operation invoke(int process, String function, Object key, Object value) {
        return record(process, function, key, true, value, System.nanoTime());
    }

    /** Every operation invoked so far, in the order of invocation. */
    public synchronized List<Operation> operations() {
        return List.copyOf(operations);
    }

    /** How many operations were invoked. */
    public synchronized int size() {
        return operations.size();
    }

    synchronized Operation record(int process, String function, Object key, boolean keyed, Object value, long nanos) {
        Operation op = new Operation(this, process, function, key, keyed, value, nextPosition++, nanos);
        operations.add(op);
        return op;
    }

    void complete(Operation op, Operation.Outcome outcome, Object result) {
        complete(op, outcome, result, System.nanoTime());
    }

    synchronized void complete(Operation op, Operation.Outcome outcome, Object result, long nanos) {
        op.completeAs(outcome, result, nextPosition, nanos);
        nextPosition++;
    }

    /** {@code History of 12 operations}. */
    @Override
    public synchronized String toString() {
        return "History of " + operations.size() + " operations";
    }
}
