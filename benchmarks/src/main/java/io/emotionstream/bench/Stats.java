package io.emotionstream.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Medians, percentiles and rounding of timings, for the benchmarks. */
final class Stats {
    private Stats() {}

    static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The p-th percentile (nearest rank), or -1 without values. */
    static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** Nanoseconds as milliseconds, to two decimals. */
    static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
