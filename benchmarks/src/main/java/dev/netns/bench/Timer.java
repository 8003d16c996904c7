package dev.netns.bench;

import java.time.Duration;

/** Runs an action repeatedly after a warm-up and returns each run's wall time. */
final class Timer {

    /** An action that may throw. */
    interface Action {
        void run() throws Exception;
    }

    private Timer() {
    }

    /** Times {@code iterations} runs, one right after the other. */
    static Stats measure(int warmup, int iterations, Action action) throws Exception {
        return measurePaused(warmup, iterations, Duration.ZERO, action);
    }

    /** Times {@code iterations} runs, sleeping {@code pause} (not counted) before each. */
    static Stats measurePaused(int warmup, int iterations, Duration pause, Action action) throws Exception {
        for (int i = 0; i < warmup; i++) {
            Thread.sleep(pause.toMillis());
            action.run();
        }
        double[] millis = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            Thread.sleep(pause.toMillis());
            long start = System.nanoTime();
            action.run();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return Stats.of(millis);
    }
}
