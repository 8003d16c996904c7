package dev.netns.bench;

import java.util.Arrays;

/**
 * Median and 90th percentile of a series of timings, in milliseconds.
 *
 * @param median the 50th percentile
 * @param p90 the 90th percentile
 * @param samples how many timings
 */
record Stats(double median, double p90, int samples) {

    /** The statistics of {@code millis}; null for no series (a peer that was not measured). */
    static Stats of(double[] millis) {
        if (millis == null || millis.length == 0) {
            return null;
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        return new Stats(percentile(sorted, 50), percentile(sorted, 90), sorted.length);
    }

    private static double percentile(double[] sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
    }
}
