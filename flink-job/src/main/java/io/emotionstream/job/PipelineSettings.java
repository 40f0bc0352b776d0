package io.emotionstream.job;

import io.emotionstream.model.ModelDescriptor;
import java.io.Serializable;

/**
 * The processing settings of the job graph, apart from where records come from and go to.
 *
 * @param model the model, loaded and checked once: the face stage cuts its crops, the scorer runs it
 * @param fairShare each camera's share of the job: its frame rate, and how many cameras are let in
 * @param cropEveryFrame the face stage looks at every frame and crops it, not only those the model reads (for tools
 *     that keep every crop of a clip)
 */
public record PipelineSettings(ModelDescriptor model, FaceStageSettings face, ClipSettings clips,
                               ScorerSettings scorer, SmoothingSettings smoothing, FairShareSettings fairShare,
                               boolean cropEveryFrame)
        implements Serializable {
    /** The settings with the default fair share, the face stage looking at the frames the model reads. */
    public PipelineSettings(ModelDescriptor model, FaceStageSettings face, ClipSettings clips, ScorerSettings scorer,
                            SmoothingSettings smoothing) {
        this(model, face, clips, scorer, smoothing, FairShareSettings.defaults(), false);
    }

    /** These settings with another fair share. */
    public PipelineSettings withFairShare(FairShareSettings share) {
        return new PipelineSettings(model, face, clips, scorer, smoothing, share, cropEveryFrame);
    }

    /** These settings with every frame looked at and cropped. */
    public PipelineSettings withEveryFrameCropped() {
        return new PipelineSettings(model, face, clips, scorer, smoothing, fairShare, true);
    }

    public PipelineSettings {
        if (clips.clipLength() != model.clipLength()) {
            throw new IllegalArgumentException("clips of " + clips.clipLength() + " frames, but " + model.name()
                    + " scores clips of " + model.clipLength());
        }
    }

    /** Where clips lie in each camera's frames, and which frames the face stage looks at. */
    public ClipGrid grid() {
        return cropEveryFrame ? ClipGrid.everyFrame(clips) : ClipGrid.of(clips, model.frameIndices());
    }
}
