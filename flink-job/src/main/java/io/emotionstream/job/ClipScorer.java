package io.emotionstream.job;

import io.emotionstream.model.ClipOutcome;
import io.emotionstream.image.ImageFrame;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.OnnxClipClassifier;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Scores clips in micro-batches across cameras with {@link OnnxClipClassifier} (one ONNX Runtime session per
 * parallel instance, opened in open() and closed in close()). A batch is scored when it is full, when its oldest
 * clip has waited {@code maxDelayMillis}, before each checkpoint barrier (so that no clip sits in memory across a
 * checkpoint) and at the end of input.
 */
public class ClipScorer extends AbstractStreamOperator<ScoredClip>
        implements OneInputStreamOperator<FaceClip, ScoredClip>, BoundedOneInput {
    private final ModelDescriptor model;
    private final ScorerSettings settings;
    private transient OnnxClipClassifier classifier;
    private transient String[] labels;
    private transient List<FaceClip> batch;
    /** The timer of the batch in progress (due when its oldest clip has waited long enough), null when none. */
    private transient ScheduledFuture<?> batchTimer;
    private transient Counter clipsScored;
    private transient Histogram scoringMillis;
    private transient Histogram clipLatencyMillis;

    public ClipScorer(ModelDescriptor model, ScorerSettings settings) {
        this.model = model;
        this.settings = settings;
    }

    @Override
    public void open() throws Exception {
        super.open();
        classifier = OnnxClipClassifier.open(model,
                settings.options());
        labels = model.labels().toArray(new String[0]);
        batch = new ArrayList<>(settings.maxBatch());
        clipsScored = getMetricGroup().counter("clipsScored");
        scoringMillis = getMetricGroup().histogram("scoringLatencyMs", new DescriptiveStatisticsHistogram(1000));
        clipLatencyMillis = getMetricGroup().histogram("clipLatencyMs", new DescriptiveStatisticsHistogram(1000));
    }

    @Override
    public void processElement(StreamRecord<FaceClip> element) throws Exception {
        FaceClip clip = element.getValue();
        if (clip.frameCount != model.clipLength() || clip.cropWidth != model.width() || clip.cropHeight != model.height()) {
            throw new IllegalStateException("clip of " + clip.frameCount + " frames of " + clip.cropWidth + "x"
                    + clip.cropHeight + " does not fit " + model.name());
        }
        batch.add(clip);
        if (batch.size() >= settings.maxBatch()) {
            flush();
        } else if (batchTimer == null) {
            long due = getProcessingTimeService().getCurrentProcessingTime() + settings.maxDelayMillis();
            batchTimer = getProcessingTimeService().registerTimer(due, time -> {
                batchTimer = null;
                flush();
            });
        }
    }

    /** Scores the batch in progress and disarms its timer, so that the next batch gets its full wait. */
    private void flush() {
        if (batchTimer != null) {
            batchTimer.cancel(false);
            batchTimer = null;
        }
        if (batch.isEmpty()) {
            return;
        }
        List<List<ImageFrame>> clips = new ArrayList<>(batch.size());
        for (FaceClip clip : batch) {
            clips.add(frames(clip));
        }
        long started = System.nanoTime();
        List<ClipOutcome> outcomes = classifier.score(clips);
        scoringMillis.update((System.nanoTime() - started) / 1_000_000);
        long now = System.currentTimeMillis();
        for (int i = 0; i < batch.size(); i++) {
            FaceClip clip = batch.get(i);
            ClipOutcome outcome = outcomes.get(i);
            ScoredClip scored = new ScoredClip();
            scored.cameraId = clip.cameraId;
            scored.faceTrack = clip.faceTrack;
            scored.facesInView = clip.facesInView;
            scored.clipStartMillis = clip.startTimeMillis;
            scored.clipEndMillis = clip.endTimeMillis;
            scored.endRecordTimeMillis = clip.endRecordTimeMillis;
            scored.firstSequence = clip.firstSequence;
            scored.lastSequence = clip.lastSequence;
            scored.framesUsed = clip.framesWithFace;
            scored.framesLookedAt = clip.framesLookedAt;
            scored.faceX = clip.faceX;
            scored.faceY = clip.faceY;
            scored.faceWidth = clip.faceWidth;
            scored.faceHeight = clip.faceHeight;
            scored.labels = labels;
            scored.probabilities = outcome.probabilities();
            scored.label = outcome.label();
            scored.confidence = outcome.confidence();
            scored.confident = outcome.confident();
            scored.modelName = model.name();
            scored.modelVersion = model.version();
            scored.processingLatencyMs = Math.max(0, now - clip.endTimeMillis);
            clipLatencyMillis.update(scored.processingLatencyMs);
            output.collect(new StreamRecord<>(scored, clip.endTimeMillis));
        }
        clipsScored.inc(batch.size());
        batch.clear();
    }

    /** The clip's frames as a view: a crop is copied out only when the model's preprocessing takes that frame. */
    private static List<ImageFrame> frames(FaceClip clip) {
        return new AbstractList<>() {
            @Override
            public ImageFrame get(int i) {
                return clip.crop(i);
            }

            @Override
            public int size() {
                return clip.frameCount;
            }
        };
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void endInput() {
        flush();
    }

    @Override
    public void close() throws Exception {
        if (classifier != null) {
            classifier.close();
        }
        super.close();
    }
}
