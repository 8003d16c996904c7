package dev.netns.bench;

/** Runs an action repeatedly after a warm-up and returns each run's wall time. */
final class Timer {

    /** An action that may throw. */
    interface Action {
        void run() throws Exception;
    }

    private Timer() {
    }

    static Stats measure(int warmup, int iterations, Action action) throws Exception {
        for (int i = 0; i < warmup; i++) {
            action.run();
        }
        double[] millis = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            action.run();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return Stats.of(millis);
    }
}
