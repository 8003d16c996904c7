package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netns.assertj.NetnsAssertions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Calls racing close() or interrupted never hang, and fail only with NetnsException. */
class CloseRaceIT {

    @Test
    void callsRacingCloseNeverHangAndFailOnlyWithNetnsException() throws Exception {
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        for (int round = 0; round < 300; round++) {
            Topology net = Topology.builder().namespace("red").start();
            NetNs red = net.namespace("red");
            CountDownLatch started = new CountDownLatch(1);
            int kind = round % 3;
            Thread caller = new Thread(() -> {
                started.countDown();
                for (int i = 0; i < 1000; i++) {
                    try {
                        switch (kind) {
                            case 0 -> red.links();
                            case 1 -> red.call(() -> 1);
                            default -> red.ping("127.0.0.1");
                        }
                    } catch (NetnsException expected) {
                        return;
                    } catch (Throwable other) {
                        unexpected.add(other);
                        return;
                    }
                }
            });
            caller.start();
            started.await();
            net.close();
            caller.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(caller.isAlive()).as("round %d: a call racing close() hangs", round).isFalse();
        }
        assertThat(unexpected).as("failures other than NetnsException").isEmpty();
        NetnsException closed = org.assertj.core.api.Assertions.catchThrowableOfType(NetnsException.class, () -> {
            Topology net = Topology.builder().namespace("red").start();
            NetNs red = net.namespace("red");
            net.close();
            red.path();
        });
        assertThat(closed).hasMessageContaining("is closed");
    }

    @Test
    void interruptingACallerInterruptsItsActionAndFreesTheNamespace() throws Exception {
        try (Topology net = Topology.builder().namespace("red").start()) {
            NetNs red = net.namespace("red");
            CountDownLatch running = new CountDownLatch(1);
            AtomicBoolean actionInterrupted = new AtomicBoolean();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean callerStillInterrupted = new AtomicBoolean();
            Thread caller = new Thread(() -> {
                try {
                    red.call(() -> {
                        running.countDown();
                        try {
                            Thread.sleep(60_000);
                        } catch (InterruptedException e) {
                            actionInterrupted.set(true);
                        }
                        return null;
                    });
                } catch (Exception e) {
                    thrown.set(e);
                    callerStillInterrupted.set(Thread.currentThread().isInterrupted());
                }
            });
            caller.start();
            running.await();
            caller.interrupt();
            caller.join(TimeUnit.SECONDS.toMillis(10));

            assertThat(caller.isAlive()).isFalse();
            assertThat(thrown.get()).isInstanceOf(NetnsException.class)
                    .hasMessageContaining("interrupted").hasMessageContaining("has ended");
            assertThat(callerStillInterrupted).isTrue();
            assertThat(actionInterrupted).as("the action was interrupted too").isTrue();
            // the namespace is free and alive: the next command does not queue behind the abandoned action
            assertThat(red.exec(Duration.ofSeconds(1), "true").exitCode()).isZero();
            assertThat(red.call(() -> 42)).isEqualTo(42);
        }
    }

    @Test
    void nullActionsAndCommandsAreRefusedWithNetnsException() {
        try (Topology net = Topology.builder().namespace("red").start()) {
            NetNs red = net.namespace("red");
            assertThatThrownBy(() -> red.call(null)).isInstanceOf(NetnsException.class).hasMessageContaining("null");
            assertThatThrownBy(() -> red.exec((String[]) null)).isInstanceOf(NetnsException.class);
            assertThatThrownBy(() -> red.exec("sleep", null)).isInstanceOf(NetnsException.class);
            assertThatThrownBy(() -> NetnsAssertions.assertThat(red).cannotPing((NetNs) null))
                    .isInstanceOf(NetnsException.class).hasMessageContaining("must not be null");
            assertThatThrownBy(() -> NetnsAssertions.assertThat((NetNs) null).cannotPing(red))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("Expecting actual not to be null");
        }
    }
}
