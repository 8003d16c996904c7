package dev.netns.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks that a {@link History} is linearizable: that there is one order of its operations, each
 * taking effect at one instant between its invocation and its completion, that the {@link Model}
 * accepts. Operations completed with {@code fail()} never happened; those completed with
 * {@code info()} (or never completed) may have happened at any instant after their invocation, or
 * not at all.
 *
 * <pre>{@code
 * CheckResult result = Linearizability.check(history, Model.casRegister());
 * if (!result.linearizable()) {
 *     System.out.println(result.explanation() + "\nsee " + result.picture());
 * }
 * }</pre>
 *
 * <p>The search is Wing and Gong's, with Lowe's memo of the states already explored (as in
 * porcupine and Knossos); a {@link Model#keyValue()} history is checked one key at a time. It can
 * take exponential time on histories with many concurrent operations: past the budget the result
 * is {@link CheckResult#unknown()}, never a wrong verdict.
 */
public final class Linearizability {

    /** The budget of {@link #check(History, Model)}. */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(60);

    private Linearizability() {
    }

    /** Checks {@code history} against {@code model} within {@link #DEFAULT_BUDGET} (60 s). */
    public static CheckResult check(History history, Model model) {
        return check(history, model, DEFAULT_BUDGET);
    }

    /**
     * Checks {@code history} against {@code model}, giving up with {@link CheckResult#unknown()}
     * after {@code budget}.
     *
     * @throws IllegalArgumentException when an operation is not one the model knows (the message names it)
     */
    public static CheckResult check(History history, Model model, Duration budget) {
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(model, "model");
        long deadline = System.nanoTime() + budget.toNanos();
        List<Operation> all = history.operations();
        Map<Object, List<Op>> partitions = new LinkedHashMap<>();
        for (Operation operation : all) {
            model.validate(operation);
            Op op = snapshot(operation);
            if (op == null || !op.definite() && model.readOnly(op.function())) {
                continue; // failed, or a read whose answer nobody saw: neither can change anything
            }
            partitions.computeIfAbsent(model.perKey() ? op.key() : Partition.WHOLE, k -> new ArrayList<>()).add(op);
        }
        List<Search> searches = new ArrayList<>();
        List<Object> keys = new ArrayList<>();
        for (Map.Entry<Object, List<Op>> partition : partitions.entrySet()) {
            List<Op> ops = partition.getValue();
            ops.removeAll(model.invisible(ops));
            ops.sort(Comparator.comparing((Op op) -> !op.definite()).thenComparingLong(Op::invoked));
            searches.add(new Search(model, ops, deadline));
            keys.add(partition.getKey());
        }
        // the partitions take turns with growing slices: a violation in one is found while another is still hard
        int checked = 0;
        for (long slice = 20_000; !searches.isEmpty(); slice = Math.min(slice * 2, 50_000_000)) {
            for (int i = 0; i < searches.size(); i++) {
                Search search = searches.get(i);
                Search.Verdict verdict = search.run(slice);
                Partition where = new Partition(model, keys.get(i), search, partitions.size());
                switch (verdict) {
                    case ILLEGAL:
                        return CheckResult.illegal(all, model, where);
                    case TIMEOUT:
                        return CheckResult.timedOut(all, model, where, budget, checked);
                    case LINEARIZABLE:
                        checked++;
                        searches.remove(i);
                        keys.remove(i);
                        i--;
                        break;
                    default:
                        break;
                }
            }
        }
        return CheckResult.linearizable(all, model, partitions.size());
    }

    /** The operation as it is now, read under its lock; {@code null} when it failed. */
    private static Op snapshot(Operation operation) {
        synchronized (operation) {
            Operation.Outcome outcome = operation.outcome();
            if (outcome == Operation.Outcome.FAIL) {
                return null;
            }
            return Op.of(operation, outcome, operation.result(), operation.completedAt());
        }
    }
}
