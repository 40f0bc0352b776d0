package io.emotionstream.job;

import java.io.Serializable;

/**
 * The processing settings of the job graph, apart from where records come from and go to.
 *
 * @param maxOutOfOrderMillis how far behind the newest frame a frame may arrive and still be put in order
 * @param sourceIdleMillis a Kafka partition without records this long stops holding the watermark back
 * @param framesTopic named in dead letters of late frames
 */
public record PipelineSettings(FaceStageSettings face, ClipSettings clips, ScorerSettings scorer,
                               SmoothingSettings smoothing, long maxOutOfOrderMillis, long sourceIdleMillis, String framesTopic) implements Serializable {
    public PipelineSettings {
        if (maxOutOfOrderMillis < 0 || sourceIdleMillis < 1) {
            throw new IllegalArgumentException("out-of-order bound must be >= 0 and source idleness >= 1 ms");
        }
    }
}
