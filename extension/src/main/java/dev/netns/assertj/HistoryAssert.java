package dev.netns.assertj;

import dev.netns.history.CheckResult;
import dev.netns.history.History;
import dev.netns.history.Linearizability;
import dev.netns.history.LinearizabilityError;
import dev.netns.history.Model;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a recorded {@link History}, from {@link NetnsAssertions#assertThat(History)}:
 *
 * <pre>{@code
 * assertThat(history).isLinearizable(Model.casRegister());
 * }</pre>
 *
 * A failure is a {@link LinearizabilityError} whose message explains which operations cannot be
 * ordered and names the picture of the history (an HTML file); inside a test run by the netns
 * extension the picture is also attached to the test's report.
 */
public class HistoryAssert extends AbstractAssert<HistoryAssert, History> {

    HistoryAssert(History actual) {
        super(actual, HistoryAssert.class);
    }

    /** Verifies that some order of the operations, each within its own interval, is legal for {@code model} (60 s budget). */
    public HistoryAssert isLinearizable(Model model) {
        return isLinearizable(model, Linearizability.DEFAULT_BUDGET);
    }

    /** The same with a budget: a search that does not finish in time fails as undecided. */
    public HistoryAssert isLinearizable(Model model, Duration budget) {
        isNotNull();
        CheckResult result = Linearizability.check(actual, model, budget);
        if (result.linearizable()) {
            return myself;
        }
        Path picture = null;
        String where;
        try {
            picture = result.picture();
            where = "Picture of the history: " + picture.toUri();
        } catch (UncheckedIOException e) {
            where = "(no picture: " + e.getMessage() + ")";
        }
        String expectation = "Expected the history of " + actual.size() + " operations to be linearizable for the " + model
                + " model, but " + (result.unknown() ? "the check could not decide" : "it is not") + ".\n";
        throw new LinearizabilityError(expectation + result.explanation() + "\n" + where, result, picture);
    }
}
