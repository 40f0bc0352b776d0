package io.emotionstream.job;

import io.emotionstream.model.ModelDescriptor;
import java.io.Serializable;

/**
 * The processing settings of the job graph, apart from where records come from and go to.
 *
 * @param model the model, loaded and checked once: the face stage cuts its crops, the scorer runs it
 */
public record PipelineSettings(ModelDescriptor model, FaceStageSettings face, ClipSettings clips,
                               ScorerSettings scorer, SmoothingSettings smoothing)
        implements Serializable {
    public PipelineSettings {
        if (clips.clipLength() != model.clipLength()) {
            throw new IllegalArgumentException("clips of " + clips.clipLength() + " frames, but " + model.name()
                    + " scores clips of " + model.clipLength());
        }
    }
}
