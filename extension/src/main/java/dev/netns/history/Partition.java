package dev.netns.history;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One independently checked part of a history (one key of a key-value history) and how its search ended. */
final class Partition {

    /** The key of the one partition of a model that is not checked per key. */
    static final Object WHOLE = new Object();

    private static final int SHOWN = 12;

    private final Model model;
    private final Object key;
    private final Search search;
    private final int partitions;

    Partition(Model model, Object key, Search search, int partitions) {
        this.model = model;
        this.key = key;
        this.search = search;
        this.partitions = partitions;
    }

    boolean keyed() {
        return key != WHOLE;
    }

    Object key() {
        return key;
    }

    /** The operations of the deepest linearizable prefix, in their order. */
    List<Operation> prefix() {
        List<Operation> prefix = new ArrayList<>();
        for (int index : search.prefix()) {
            prefix.add(search.op(index).source());
        }
        return prefix;
    }

    /** The operation that had to take effect after the prefix and could not, or null. */
    Operation blocker() {
        return search.blocker() < 0 ? null : search.op(search.blocker()).source();
    }

    /** The operations that could have come next after the prefix: invoked before the blocker completed. */
    List<Op> candidates() {
        Set<Integer> placed = new LinkedHashSet<>();
        for (int index : search.prefix()) {
            placed.add(index);
        }
        long limit = search.blocker() < 0 ? Long.MAX_VALUE : search.op(search.blocker()).completed();
        List<Op> candidates = new ArrayList<>();
        for (int index = 0; index < search.size(); index++) {
            Op op = search.op(index);
            if (!placed.contains(index) && op.invoked() < limit) {
                candidates.add(op);
            }
        }
        candidates.sort((a, b) -> Long.compare(a.invoked(), b.invoked()));
        return candidates;
    }

    /** The candidates that the model refuses after the prefix. */
    Set<Operation> refused() {
        Set<Operation> refused = new LinkedHashSet<>();
        for (Op op : candidates()) {
            if (model.step(search.stateAfterPrefix(), op) == Model.ILLEGAL) {
                refused.add(op.source());
            }
        }
        return refused;
    }

    String explainIllegal() {
        StringBuilder out = new StringBuilder();
        out.append("Not linearizable: no order of the ").append(search.size()).append(" operations");
        out.append(keyed() ? " on key " + Values.show(key) : "").append(" is legal for the ").append(model)
                .append(" model").append(keyed() && partitions > 1 ? " (" + partitions + " keys, each checked apart)" : "")
                .append(".\n");
        int[] prefix = search.prefix();
        out.append("The longest linearizable prefix places ").append(prefix.length).append(prefix.length == 1 ? " operation" : " operations")
                .append(prefix.length == 0 ? "" : ":").append('\n');
        int from = Math.max(0, prefix.length - SHOWN);
        if (from > 0) {
            out.append("  ... ").append(from).append(" earlier ones\n");
        }
        for (int i = from; i < prefix.length; i++) {
            Op op = search.op(prefix[i]);
            out.append("  ").append(i + 1).append(". ").append(op.describe()).append(' ').append(op.source().where()).append('\n');
        }
        Object state = search.stateAfterPrefix();
        out.append("After it ").append(model.describeState(state, key, keyed()));
        Operation blocker = blocker();
        if (blocker != null) {
            Op blocking = search.op(search.blocker());
            out.append(", and ").append(blocking.describe()).append(' ').append(blocker.where())
                    .append(" had completed, so it or an operation before it must come next; none can:\n");
        } else {
            out.append(", and none of the remaining operations can come next:\n");
        }
        List<Op> candidates = candidates();
        int shown = 0;
        for (Op op : candidates) {
            if (!op.definite() && model.step(state, op) != Model.ILLEGAL) {
                continue; // an unknown outcome that fits is no news: it may also never happen
            }
            if (shown++ == SHOWN) {
                out.append("  ... and ").append(candidates.size() - SHOWN).append(" more\n");
                break;
            }
            out.append("  ").append(op.describe()).append(' ').append(op.source().where()).append(": ");
            if (model.step(state, op) == Model.ILLEGAL) {
                out.append("cannot, ").append(model.describeState(state, key, keyed())).append('\n');
            } else {
                out.append("fits, but then the rest cannot be ordered\n");
            }
        }
        return out.toString();
    }

    String explainTimeout() {
        return " the search of " + (keyed() ? "key " + Values.show(key) : "the history") + " (" + search.size()
                + " operations) had placed at most " + Math.max(0, search.prefix().length) + " of them after "
                + search.steps() + " steps";
    }
}
