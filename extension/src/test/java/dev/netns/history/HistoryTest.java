package dev.netns.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The recorder: positions in order, one completion per operation, safe from many threads. */
class HistoryTest {

    @Test
    void eventsArePositionedInTheOrderTheyAreRecorded() {
        History history = History.create();
        Operation write = history.invoke(0, "write", 1);
        Operation read = history.invoke(1, "read", null);
        read.ok(1);
        write.ok();
        assertThat(write.invokedAt()).isEqualTo(0);
        assertThat(read.invokedAt()).isEqualTo(1);
        assertThat(read.completedAt()).isEqualTo(2);
        assertThat(write.completedAt()).isEqualTo(3);
        assertThat(read.result()).isEqualTo(1);
        assertThat(read.outcome()).isEqualTo(Operation.Outcome.OK);
        assertThat(history.operations()).containsExactly(write, read);
        assertThat(read).hasToString("process 1: read() -> 1 -> OK");
    }

    @Test
    void anOperationCompletesOnce() {
        Operation op = History.create().invoke(0, "write", 1);
        op.info();
        assertThatThrownBy(op::ok).isInstanceOf(IllegalStateException.class).hasMessageContaining("already completed as INFO");
        assertThat(op.outcome()).isEqualTo(Operation.Outcome.INFO);
    }

    @Test
    void keyedOperationsKeepTheirKey() {
        Operation op = History.create().invoke(3, "append", "k", "x");
        assertThat(op.hasKey()).isTrue();
        assertThat(op.key()).isEqualTo("k");
        assertThat(op.value()).isEqualTo("x");
        assertThat(op.outcome()).isEqualTo(Operation.Outcome.PENDING);
        assertThat(op.completedAt()).isEqualTo(-1);
    }

    @Test
    void clientsOnManyThreadsAgainstACorrectRegisterGiveALinearizableHistory() throws Exception {
        History history = History.create();
        Object lock = new Object();
        Long[] register = {null}; // starts as nil, like the model
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> clients = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            int process = p;
            clients.add(pool.submit(() -> {
                for (int i = 0; i < 300; i++) {
                    if ((i + process) % 3 == 0) {
                        long value = process * 1000L + i;
                        Operation op = history.invoke(process, "write", value);
                        synchronized (lock) {
                            register[0] = value;
                        }
                        op.ok();
                    } else if ((i + process) % 3 == 1) {
                        Operation op = history.invoke(process, "cas", List.of(i, i + 1));
                        boolean swapped;
                        synchronized (lock) {
                            swapped = register[0] != null && register[0] == i;
                            if (swapped) {
                                register[0] = (long) i + 1;
                            }
                        }
                        if (swapped) {
                            op.ok();
                        } else {
                            op.fail();
                        }
                    } else {
                        Operation op = history.invoke(process, "read", null);
                        Long seen;
                        synchronized (lock) {
                            seen = register[0];
                        }
                        op.ok(seen);
                    }
                }
            }));
        }
        for (Future<?> client : clients) {
            client.get();
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(history.size()).isEqualTo(2400);
        CheckResult result = Linearizability.check(history, Model.casRegister(), Duration.ofSeconds(30));
        assertThat(result.linearizable()).as(result.explanation()).isTrue();
    }
}
