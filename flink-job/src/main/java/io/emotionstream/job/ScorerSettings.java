package io.emotionstream.job;

import io.emotionstream.model.ScoringOptions;
import java.io.Serializable;

/**
 * How clips are scored.
 *
 * @param options how ONNX Runtime runs the model: device, threads, and the batch (clips scored together, across
 *     cameras)
 * @param maxDelayMillis the longest a clip waits for its batch to fill
 */
public record ScorerSettings(ScoringOptions options, long maxDelayMillis) implements Serializable {
    public static final int DEFAULT_BATCH = 8;
    public static final long DEFAULT_BATCH_DELAY_MILLIS = 100;
    public static final int DEFAULT_THREADS = 1;

    public ScorerSettings {
        if (options == null || maxDelayMillis < 0) {
            throw new IllegalArgumentException("scoring needs its options and a batch delay >= 0, got " + options
                    + " and " + maxDelayMillis);
        }
    }

    /** The defaults on the CPU. */
    public static ScorerSettings defaults() {
        return new ScorerSettings(ScoringOptions.cpu(DEFAULT_THREADS, DEFAULT_BATCH), DEFAULT_BATCH_DELAY_MILLIS);
    }

    /** Clips scored together at most. */
    public int maxBatch() {
        return options.maxBatch();
    }
}
