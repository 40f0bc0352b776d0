package io.emotionstream.job;

import io.emotionstream.model.ScoringOptions;
import java.io.Serializable;

/**
 * How clips are scored.
 *
 * @param maxBatch clips scored together (across cameras)
 * @param maxDelayMillis the longest a clip waits for its batch to fill
 * @param threads ONNX Runtime threads per scorer instance (0: all cores)
 * @param device CPU, or CUDA with fall-back to CPU
 */
public record ScorerSettings(int maxBatch, long maxDelayMillis, int threads,
                             ScoringOptions.Device device) implements Serializable {
    public ScorerSettings {
        if (maxBatch < 1 || maxDelayMillis < 0 || threads < 0) {
            throw new IllegalArgumentException("batch must be >= 1, batch delay and scoring threads >= 0, got "
                    + maxBatch + ", " + maxDelayMillis + " and " + threads);
        }
    }

    /** How ONNX Runtime is opened for these settings. */
    public ScoringOptions scoringOptions() {
        return new ScoringOptions(device, 0, threads, maxBatch);
    }
}
