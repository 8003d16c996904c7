package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Calls racing close() never hang, and fail only with NetnsException ("closed"). */
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
}
