package io.emotionstream.job;

import java.io.Serializable;

/**
 * How each face's emotion is smoothed over its clips ({@link EmotionSmoother}).
 *
 * @param window clips whose probabilities are averaged into the smoothed confidence (this one included)
 * @param switchAfter confident clips of another label in a row that change the steady label; a single odd clip
 *     (with 2 or more) never does
 * @param maxGapMillis a pause longer than this between clips (capture time) starts smoothing afresh
 * @param stateTtlMillis a face without clips this long (processing time) has its smoothing state dropped
 */
public record SmoothingSettings(int window, int switchAfter, long maxGapMillis, long stateTtlMillis)
        implements Serializable {
    public static final int DEFAULT_WINDOW = 5;
    public static final int DEFAULT_SWITCH_AFTER = 2;
    public static final long DEFAULT_MAX_GAP_MILLIS = 10_000;
    public static final long DEFAULT_STATE_TTL_MILLIS = 600_000;

    public SmoothingSettings {
        if (window < 1 || switchAfter < 1 || maxGapMillis < 1 || stateTtlMillis < 1) {
            throw new IllegalArgumentException("smoothing window, switch count, gap and state time-to-live must be "
                    + "positive, got " + window + ", " + switchAfter + ", " + maxGapMillis + ", " + stateTtlMillis);
        }
    }

    public static SmoothingSettings defaults() {
        return new SmoothingSettings(DEFAULT_WINDOW, DEFAULT_SWITCH_AFTER, DEFAULT_MAX_GAP_MILLIS,
                DEFAULT_STATE_TTL_MILLIS);
    }
}
