package dev.netns.assertj;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.netns.history.History;
import dev.netns.history.LinearizabilityError;
import dev.netns.history.Model;
import dev.netns.history.Operation;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code assertThat(history).isLinearizable(model)}: passes quietly, fails with the explanation and the picture. */
class HistoryAssertTest {

    @Test
    void aLinearizableHistoryPasses() {
        History history = History.create();
        history.invoke(0, "write", 1).ok();
        history.invoke(1, "read", null).ok(1);
        assertThat(history).isLinearizable(Model.register());
    }

    @Test
    void aStaleReadFailsWithTheExplanationAndThePicture() throws IOException {
        History history = History.create();
        history.invoke(0, "write", 1).ok();
        history.invoke(0, "write", 2).ok();
        history.invoke(1, "read", null).ok(1);
        LinearizabilityError error = catchThrowableOfType(LinearizabilityError.class,
                () -> assertThat(history).isLinearizable(Model.register()));
        try {
            assertThat(error).hasMessageContaining("Expected the history of 3 operations to be linearizable for the register model")
                    .hasMessageContaining("process 1 read() -> 1")
                    .hasMessageContaining("Picture of the history: file:");
            assertThat(error.picture()).exists();
            assertThat(error.getMessage()).contains(error.picture().toUri().toString());
            assertThat(error.result().linearizable()).isFalse();
        } finally {
            Files.deleteIfExists(error.picture());
        }
    }

    @Test
    void anUndecidedCheckFails() throws IOException {
        History history = History.create();
        List<Operation> writes = new java.util.ArrayList<>();
        for (int p = 0; p < 40; p++) {
            writes.add(history.invoke(p, "write", p));
        }
        Operation read = history.invoke(99, "read", null);
        writes.forEach(Operation::ok);
        read.ok(-1);
        LinearizabilityError error = catchThrowableOfType(LinearizabilityError.class,
                () -> assertThat(history).isLinearizable(Model.register(), Duration.ofMillis(100)));
        try {
            assertThat(error).hasMessageContaining("the check could not decide").hasMessageContaining("Unknown");
            assertThat(error.result().unknown()).isTrue();
        } finally {
            Files.deleteIfExists(error.picture());
        }
    }
}
