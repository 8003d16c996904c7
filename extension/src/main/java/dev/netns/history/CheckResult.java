package dev.netns.history;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The verdict of {@link Linearizability#check}: linearizable, not linearizable (with the
 * operations that cannot be ordered), or unknown (the budget ran out first).
 */
public final class CheckResult {

    private final boolean linearizable;
    private final boolean unknown;
    private final String explanation;
    private final List<Operation> operations;
    private final Model model;
    private final Partition partition;
    private Path picture;

    private CheckResult(boolean linearizable, boolean unknown, String explanation, List<Operation> operations, Model model,
            Partition partition) {
        this.linearizable = linearizable;
        this.unknown = unknown;
        this.explanation = explanation;
        this.operations = operations;
        this.model = model;
        this.partition = partition;
    }

    static CheckResult linearizable(List<Operation> operations, Model model, int partitions) {
        return new CheckResult(true, false, "Linearizable: the " + operations.size() + " operations have an order that the "
                + model + " model accepts" + (model.perKey() ? " (" + partitions + " keys, each checked apart)" : "") + ".",
                operations, model, null);
    }

    static CheckResult illegal(List<Operation> operations, Model model, Partition partition) {
        return new CheckResult(false, false, partition.explainIllegal(), operations, model, partition);
    }

    static CheckResult timedOut(List<Operation> operations, Model model, Partition partition, Duration budget, int checked) {
        return new CheckResult(false, true, "Unknown: the budget of " + budget.toMillis() + " ms ran out before a verdict;"
                + (checked > 0 ? " " + checked + " keys were linearizable, then" : "") + partition.explainTimeout()
                + ". Give the check a larger budget, or record fewer concurrent operations.", operations, model, partition);
    }

    /** True when an order of the operations exists that the model accepts. */
    public boolean linearizable() {
        return linearizable;
    }

    /** True when the budget ran out before a verdict; {@link #linearizable()} is then false. */
    public boolean unknown() {
        return unknown;
    }

    /**
     * What was found, in a few lines: for a failure, a longest linearizable prefix, the state of
     * the model after it and the operations that cannot come next, each with its position.
     */
    public String explanation() {
        return explanation;
    }

    /**
     * A self-contained HTML page (inline SVG, no script, no network) drawing the history: one lane
     * per process, each operation a bar from its invocation to its completion, the ones that cannot
     * be ordered in red. Written on the first call to the folder of the system property
     * {@value Picture#DIRECTORY_PROPERTY}, else {@code netns-junit/histories} under
     * {@code java.io.tmpdir}.
     *
     * @throws java.io.UncheckedIOException when the file cannot be written
     */
    public synchronized Path picture() {
        if (picture == null) {
            picture = Picture.write(this);
        }
        return picture;
    }

    List<Operation> operations() {
        return operations;
    }

    Model model() {
        return model;
    }

    /** The partition the verdict is about (a failing or unfinished key), or null when linearizable. */
    Partition partition() {
        return partition;
    }

    Set<Operation> refused() {
        return partition == null || unknown ? Set.of() : partition.refused();
    }

    /** The explanation. */
    @Override
    public String toString() {
        return explanation;
    }
}
