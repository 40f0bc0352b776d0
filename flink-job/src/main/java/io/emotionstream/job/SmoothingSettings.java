package io.emotionstream.job;

import java.io.Serializable;

/**
 * How a camera's emotion is smoothed over its clips ({@link EmotionSmoother}).
 *
 * @param window clips whose probabilities are averaged into the smoothed confidence (this one included)
 * @param switchAfter confident clips of another label in a row that change the steady label; a single odd clip
 *     (with 2 or more) never does
 * @param maxGapMillis a pause longer than this between clips (capture time) starts smoothing afresh
 * @param stateTtlMillis a camera without clips this long (processing time) has its smoothing state dropped
 */
public record SmoothingSettings(int window, int switchAfter, long maxGapMillis, long stateTtlMillis)
        implements Serializable {
    public SmoothingSettings {
        if (window < 1 || switchAfter < 1 || maxGapMillis < 1 || stateTtlMillis < 1) {
            throw new IllegalArgumentException("smoothing window, switch count, gap and state time-to-live must be "
                    + "positive, got " + window + ", " + switchAfter + ", " + maxGapMillis + ", " + stateTtlMillis);
        }
    }

    public static SmoothingSettings defaults() {
        return new SmoothingSettings(5, 2, 10_000, 600_000);
    }
}
