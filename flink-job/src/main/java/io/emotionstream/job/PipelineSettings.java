package io.emotionstream.job;

import io.emotionstream.model.ModelDescriptor;
import java.io.Serializable;

/**
 * The processing settings of the job graph, apart from where records come from and go to.
 *
 * @param model the model, loaded and checked once: the face stage cuts its crops, the scorer runs it
 * @param fairShare each camera's share of the job: its frame rate, and how many cameras are let in
 */
public record PipelineSettings(ModelDescriptor model, FaceStageSettings face, ClipSettings clips,
                               ScorerSettings scorer, SmoothingSettings smoothing, FairShareSettings fairShare)
        implements Serializable {
    /** The settings with the default fair share. */
    public PipelineSettings(ModelDescriptor model, FaceStageSettings face, ClipSettings clips, ScorerSettings scorer,
                            SmoothingSettings smoothing) {
        this(model, face, clips, scorer, smoothing, FairShareSettings.defaults());
    }

    /** These settings with another fair share. */
    public PipelineSettings withFairShare(FairShareSettings share) {
        return new PipelineSettings(model, face, clips, scorer, smoothing, share);
    }

    public PipelineSettings {
        if (clips.clipLength() != model.clipLength()) {
            throw new IllegalArgumentException("clips of " + clips.clipLength() + " frames, but " + model.name()
                    + " scores clips of " + model.clipLength());
        }
    }
}
