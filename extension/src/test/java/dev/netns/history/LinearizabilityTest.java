package dev.netns.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verdicts on small hand-made histories, each the shape of one kind of bug (or of its absence). */
class LinearizabilityTest {

    private final History history = History.create();

    private void done(int process, String function, Object value, Object result) {
        history.invoke(process, function, value).ok(result);
    }

    private CheckResult check(Model model) {
        return Linearizability.check(history, model, Duration.ofSeconds(10));
    }

    @Test
    void aSequentialHistoryIsLinearizable() {
        done(0, "write", 1, null);
        done(0, "read", null, 1);
        done(1, "write", 2, null);
        done(0, "read", null, 2);
        CheckResult result = check(Model.register());
        assertThat(result.linearizable()).isTrue();
        assertThat(result.unknown()).isFalse();
        assertThat(result.explanation()).startsWith("Linearizable");
    }

    @Test
    void anUnwrittenRegisterReadsNil() {
        done(0, "read", null, null);
        assertThat(check(Model.register()).linearizable()).isTrue();
        done(1, "read", null, 0);
        assertThat(check(Model.register()).linearizable()).isFalse();
    }

    @Test
    void aStaleReadIsCaught() {
        done(0, "write", 1, null);
        done(0, "write", 2, null);
        done(1, "read", null, 1); // invoked after write(2) completed
        CheckResult result = check(Model.register());
        assertThat(result.linearizable()).isFalse();
        assertThat(result.unknown()).isFalse();
        assertThat(result.explanation()).contains("read() -> 1", "the register holds 2", "cannot");
    }

    @Test
    void aLostWriteIsCaught() {
        done(0, "write", 1, null);
        done(1, "write", 2, null);
        done(2, "read", null, 2);
        done(2, "read", null, 1); // write(1) completed before write(2) began: 1 cannot come back
        CheckResult result = check(Model.register());
        assertThat(result.linearizable()).isFalse();
        assertThat(result.explanation()).contains("process 2 read() -> 1");
    }

    @Test
    void concurrentOperationsMayTakeEffectInEitherOrder() {
        Operation write = history.invoke(0, "write", 1);
        Operation early = history.invoke(1, "read", null);
        Operation late = history.invoke(2, "read", null);
        late.ok(1);
        early.ok(null); // it completed after a read saw 1, but began before: it took effect first
        write.ok();
        assertThat(check(Model.register()).linearizable()).isTrue();
    }

    @Test
    void aReadCannotGoBackAfterAnotherReadSawTheWrite() {
        // porcupine's example: write(200) spans both reads; read -> 200 ends before read -> nil begins
        Operation write = history.invoke(0, "write", 200);
        Operation first = history.invoke(1, "read", null);
        first.ok(200);
        Operation second = history.invoke(2, "read", null);
        second.ok(null);
        write.ok();
        CheckResult result = check(Model.register());
        assertThat(result.linearizable()).isFalse();
        assertThat(result.explanation()).contains("read() -> nil");
    }

    @Test
    void anUnknownWriteMayShowUpLater() {
        history.invoke(0, "write", 1).info();
        done(1, "read", null, null);
        done(1, "read", null, 1);
        done(1, "read", null, 1);
        assertThat(check(Model.register()).linearizable()).isTrue();
    }

    @Test
    void anUnknownWriteMayNeverShowUp() {
        done(0, "write", 0, null);
        history.invoke(0, "write", 1).info();
        done(1, "read", null, 0);
        done(1, "write", 2, null);
        done(1, "read", null, 2);
        assertThat(check(Model.register()).linearizable()).isTrue();
    }

    @Test
    void anUnknownWriteCannotTakeEffectBeforeItsInvocation() {
        done(1, "read", null, 1);
        history.invoke(0, "write", 1).info();
        assertThat(check(Model.register()).linearizable()).isFalse();
    }

    @Test
    void anUnknownWriteTakesEffectOnceAtMost() {
        history.invoke(0, "write", 1).info();
        done(1, "read", null, 1);
        done(2, "write", 2, null);
        done(1, "read", null, 1); // it cannot happen a second time
        assertThat(check(Model.register()).linearizable()).isFalse();
    }

    @Test
    void anUnknownWriteSeenOnlyThroughAnUnknownCasStillCounts() {
        history.invoke(0, "write", 5).info();
        history.invoke(1, "cas", List.of(5, 7)).info();
        done(2, "read", null, 7);
        assertThat(check(Model.casRegister()).linearizable()).isTrue();
    }

    @Test
    void unknownAppendsThatNoGetSawMayBeLeftOut() {
        for (int p = 0; p < 30; p++) {
            history.invoke(p, "append", "k", "u" + p + " ").info();
        }
        history.invoke(40, "append", "k", "a ").ok();
        history.invoke(40, "get", "k", null).ok("a ");
        history.invoke(41, "append", "k", "u3 ").info();
        history.invoke(40, "get", "k", null).ok("a u3 ");
        assertThat(check(Model.keyValue()).linearizable()).isTrue();
        history.invoke(40, "get", "k", null).ok("a u3 u3 u3 "); // only two appends of u3 exist
        assertThat(check(Model.keyValue()).linearizable()).isFalse();
    }

    @Test
    void aNeverCompletedOperationCountsAsUnknown() {
        history.invoke(0, "write", 1); // its client crashed
        done(1, "read", null, 1);
        assertThat(check(Model.register()).linearizable()).isTrue();
    }

    @Test
    void aFailedWriteThatIsObservedIsCaught() {
        history.invoke(0, "write", 1).fail();
        done(1, "read", null, 1);
        CheckResult result = check(Model.register());
        assertThat(result.linearizable()).isFalse();
        assertThat(result.explanation()).contains("read() -> 1");
    }

    @Test
    void aFailedWriteThatIsNotObservedIsFine() {
        history.invoke(0, "write", 1).fail();
        done(1, "read", null, null);
        assertThat(check(Model.register()).linearizable()).isTrue();
    }

    @Test
    void compareAndSet() {
        done(0, "write", 0, null);
        done(1, "cas", List.of(0, 1), null);
        history.invoke(2, "cas", List.of(0, 5)).fail(); // its comparison failed: it did not happen
        done(0, "read", null, 1);
        assertThat(check(Model.casRegister()).linearizable()).isTrue();

        done(2, "cas", List.of(0, 2), null); // the register holds 1: this cas cannot have succeeded
        CheckResult result = check(Model.casRegister());
        assertThat(result.linearizable()).isFalse();
        assertThat(result.explanation()).contains("cas(0, 2)", "the register holds 1");
    }

    @Test
    void aCasFromNilWorksOnAFreshRegister() {
        done(0, "cas", java.util.Arrays.asList(null, 1), null);
        done(0, "read", null, 1);
        assertThat(check(Model.casRegister()).linearizable()).isTrue();
    }

    @Test
    void numbersOfAnyIntegerTypeAreEqual() {
        done(0, "write", 3, null);
        done(1, "read", null, 3L);
        done(1, "cas", List.of(3L, (short) 4), null);
        done(1, "read", null, java.math.BigInteger.valueOf(4));
        assertThat(check(Model.casRegister()).linearizable()).isTrue();
    }

    @Test
    void keyValueAppendsConcatenatePerKey() {
        history.invoke(0, "get", "k", null).ok("");
        history.invoke(0, "put", "k", "a").ok();
        history.invoke(1, "append", "k", "b").ok();
        history.invoke(1, "append", "other", "z").ok();
        history.invoke(0, "get", "k", null).ok("ab");
        history.invoke(2, "get", "other", null).ok("z");
        history.invoke(2, "get", "never", null).ok("");
        CheckResult result = check(Model.keyValue());
        assertThat(result.linearizable()).isTrue();
        assertThat(result.explanation()).contains("3 keys");

        history.invoke(2, "get", "k", null).ok("ba");
        result = check(Model.keyValue());
        assertThat(result.linearizable()).isFalse();
        assertThat(result.explanation()).contains("key \"k\"", "get(\"k\") -> \"ba\"", "key \"k\" holds \"ab\"");
    }

    @Test
    void concurrentAppendsMayLandInEitherOrder() {
        Operation a = history.invoke(0, "append", "k", "a");
        Operation b = history.invoke(1, "append", "k", "b");
        a.ok();
        b.ok();
        history.invoke(2, "get", "k", null).ok("ba");
        assertThat(check(Model.keyValue()).linearizable()).isTrue();
    }

    @Test
    void aSearchPastItsBudgetIsUnknownNeverAVerdict() {
        // 40 overlapping writes and a read of a value none wrote: proving it illegal takes 2^40 subsets
        List<Operation> writes = new java.util.ArrayList<>();
        for (int p = 0; p < 40; p++) {
            writes.add(history.invoke(p, "write", p));
        }
        Operation read = history.invoke(99, "read", null);
        writes.forEach(Operation::ok);
        read.ok(-1);
        CheckResult result = Linearizability.check(history, Model.register(), Duration.ofMillis(200));
        assertThat(result.unknown()).isTrue();
        assertThat(result.linearizable()).isFalse();
        assertThat(result.explanation()).startsWith("Unknown").contains("200 ms");
    }

    @Test
    void anEmptyHistoryIsLinearizable() {
        assertThat(check(Model.casRegister()).linearizable()).isTrue();
    }

    @Test
    void anOperationTheModelDoesNotKnowIsRefused() {
        done(0, "increment", 1, null);
        assertThatThrownBy(() -> check(Model.register())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("increment").hasMessageContaining("[read, write]");
        History kv = History.create();
        kv.invoke(0, "put", "v").ok();
        assertThatThrownBy(() -> Linearizability.check(kv, Model.keyValue())).hasMessageContaining("needs a key");
        History cas = History.create();
        cas.invoke(0, "cas", 1).ok();
        assertThatThrownBy(() -> Linearizability.check(cas, Model.casRegister())).hasMessageContaining("List.of(from, to)");
    }
}
