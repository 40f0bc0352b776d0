package io.emotionstream.job;

import io.emotionstream.model.ModelDescriptor;
import java.io.Serializable;

/**
 * The processing settings of the job graph, apart from where records come from and go to.
 *
 * @param model the model, loaded and checked once: the face stage cuts its crops, the scorer runs it
 * @param maxOutOfOrderMillis how far behind the newest frame a frame may arrive and still be put in order
 * @param sourceIdleMillis a Kafka partition without records this long stops holding the watermark back
 * @param framesTopic named in dead letters of late frames
 */
public record PipelineSettings(ModelDescriptor model, FaceStageSettings face, ClipSettings clips,
                               ScorerSettings scorer, SmoothingSettings smoothing, long maxOutOfOrderMillis,
                               long sourceIdleMillis, String framesTopic) implements Serializable {
    public PipelineSettings {
        if (clips.clipLength() != model.clipLength()) {
            throw new IllegalArgumentException("clips of " + clips.clipLength() + " frames, but " + model.name()
                    + " scores clips of " + model.clipLength());
        }
        if (maxOutOfOrderMillis < 0 || sourceIdleMillis < 1) {
            throw new IllegalArgumentException("out-of-order bound must be >= 0 and source idleness >= 1 ms");
        }
    }
}
