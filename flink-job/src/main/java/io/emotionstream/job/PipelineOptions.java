package io.emotionstream.job;

import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.OnnxClipClassifier;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.model.ScoringOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The flags of the job's processing (model, face stage, clips, scoring, smoothing, event time), each with its
 * default. A picocli mixin shared by every command that runs the job's graph ({@code job}, {@code demo},
 * {@code evaluate}, {@code benchmark-pipeline}), so they all take the same flags and build the same settings.
 */
public class PipelineOptions {
    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: ${DEFAULT-VALUE})")
    Path model = ProjectPaths.defaultModel();

    @Option(names = "--landmarks", paramLabel = "FILE", description = "dlib 68-point landmark model (default: ${DEFAULT-VALUE})")
    Path landmarks = DlibFaceDetector.DEBIAN_LANDMARK_MODEL;

    @Option(names = "--upsample", paramLabel = "N", defaultValue = "" + DlibFaceDetector.Options.DEFAULT_UPSAMPLE,
            description = "double frames N times before face detection: 0 finds faces from ~80 px, 1 from ~40 px at 4x cost (default: ${DEFAULT-VALUE})")
    int upsample;

    @Option(names = "--min-face-score", paramLabel = "S", defaultValue = "" + DlibFaceDetector.Options.DEFAULT_MIN_SCORE,
            description = "ignore dlib detections scoring below S (default: ${DEFAULT-VALUE})")
    double minFaceScore;

    @Option(names = "--keyframe-interval", paramLabel = "N", defaultValue = "" + FaceStageSettings.DEFAULT_KEYFRAME_INTERVAL,
            description = "search a camera's whole frame for faces on the first frame looked at after N frames (and "
                    + "when a face is lost); in between, find each near its last box; 1 searches every frame looked "
                    + "at (default: ${DEFAULT-VALUE})")
    int keyframeInterval;

    @Option(names = "--track-margin", paramLabel = "BOXES", defaultValue = "" + FaceStageSettings.DEFAULT_TRACK_MARGIN,
            description = "between keyframes, look for a face this many box sizes around its last box "
                    + "(default: ${DEFAULT-VALUE})")
    double trackMargin;

    @Option(names = "--keyframe-shrink", paramLabel = "F", defaultValue = "" + FaceStageSettings.DEFAULT_KEYFRAME_SHRINK,
            description = "search keyframes in the frame scaled down F times first (faces from about 80 F px), at full "
                    + "size only when that finds none; 1 searches at full size (default: ${DEFAULT-VALUE})")
    double keyframeShrink;

    @Option(names = "--min-face-similarity", paramLabel = "R",
            defaultValue = "" + FaceStageSettings.DEFAULT_MIN_SIMILARITY,
            description = "between keyframes, fit a face's landmarks on its box from the last frame and keep them "
                    + "when its crop correlates with its last detection's at least R (-1..1); else search near its "
                    + "box; 1 always searches (default: ${DEFAULT-VALUE})")
    double minFaceSimilarity;

    @Option(names = "--full-keyframe-every", paramLabel = "N",
            defaultValue = "" + FaceStageSettings.DEFAULT_FULL_KEYFRAME_EVERY,
            description = "every N keyframes search at full size whatever the shrink, so that a small face next to a "
                    + "large one is found too (default: ${DEFAULT-VALUE})")
    int fullKeyframeEvery;

    @Option(names = "--max-faces", paramLabel = "N", defaultValue = "" + FaceStageSettings.DEFAULT_MAX_FACES,
            description = "follow and score at most N faces per frame: those followed already, then the largest "
                    + "(default: ${DEFAULT-VALUE})")
    int maxFaces;

    @Option(names = "--stride", paramLabel = "N", description = "frames between clip starts (clips start at "
            + "sequence numbers that are multiples of N); less than the clip length overlaps clips (default: the clip "
            + "length)")
    Integer stride;

    @Option(names = "--crop-every-frame", description = "look at (decode, search) and crop every frame, not only the "
            + "frames of each clip the model reads (slower; for keeping every crop of a clip)")
    boolean cropEveryFrame;

    @Option(names = "--max-dropped-frames", paramLabel = "N", defaultValue = "" + ClipSettings.DEFAULT_MAX_DROPPED_FRAMES,
            description = "more missing sequence numbers than N end a partial clip (default: ${DEFAULT-VALUE})")
    int maxDroppedFrames;

    @Option(names = "--max-time-gap-ms", paramLabel = "MS", defaultValue = "" + ClipSettings.DEFAULT_MAX_TIME_GAP_MILLIS,
            description = "a longer pause between frames ends a partial clip; a frame further ahead than this (per frame) "
                    + "or back in time disagrees with its camera's clock (default: ${DEFAULT-VALUE})")
    long maxTimeGapMillis;

    @Option(names = "--max-frames-without-face", paramLabel = "N",
            description = "the share N / clip length of a clip's frames looked at may lack the face; more end the "
                    + "clip (default: a fifth of the clip)")
    Integer maxFramesWithoutFace;

    @Option(names = "--max-out-of-order-ms", paramLabel = "MS",
            defaultValue = "" + ClipSettings.DEFAULT_MAX_OUT_OF_ORDER_MILLIS,
            description = "frames after a gap in a camera's sequence wait this long (arrival time) for the missing ones "
                    + "before they are taken in past it; a missing frame that comes later is late "
                    + "(default: ${DEFAULT-VALUE})")
    long maxOutOfOrderMillis;

    @Option(names = "--max-fps", paramLabel = "N", defaultValue = "" + FairShareSettings.DEFAULT_MAX_FRAMES_PER_SECOND,
            description = "frames a camera may send a second (a burst of 5 s worth); more are dropped and "
                    + "counted (default: ${DEFAULT-VALUE})")
    int maxFramesPerSecond;

    @Option(names = "--max-cameras", paramLabel = "N", defaultValue = "" + FairShareSettings.DEFAULT_MAX_CAMERAS,
            description = "cameras the job knows at once (shared out among the source's subtasks); frames of more are "
                    + "refused (default: ${DEFAULT-VALUE})")
    int maxCameras;

    @Option(names = "--new-cameras-per-second", paramLabel = "N",
            defaultValue = "" + FairShareSettings.DEFAULT_NEW_CAMERAS_PER_SECOND,
            description = "new cameras let in a second per source subtask, so a flood of camera ids grows no state "
                    + "(default: ${DEFAULT-VALUE})")
    int newCamerasPerSecond;

    @Option(names = "--release-after-ms", paramLabel = "MS", defaultValue = "" + ClipSettings.DEFAULT_RELEASE_AFTER_MILLIS,
            description = "a camera silent this long has its waiting frames taken in, so its last clip comes out "
                    + "(default: ${DEFAULT-VALUE})")
    long releaseAfterMillis;

    @Option(names = "--camera-idle-ms", paramLabel = "MS", defaultValue = "" + ClipSettings.DEFAULT_IDLE_TIMEOUT_MILLIS,
            description = "a camera silent this long has its partial clip and state dropped (default: ${DEFAULT-VALUE})")
    long cameraIdleMillis;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + ScorerSettings.DEFAULT_BATCH,
            description = "clips scored together (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--batch-delay-ms", paramLabel = "MS", defaultValue = "" + ScorerSettings.DEFAULT_BATCH_DELAY_MILLIS,
            description = "longest wait for a batch to fill (default: ${DEFAULT-VALUE})")
    long batchDelayMillis;

    @Option(names = "--scoring-threads", paramLabel = "N", defaultValue = "" + ScorerSettings.DEFAULT_THREADS,
            description = "ONNX Runtime threads per scorer, 0 for all cores (default: ${DEFAULT-VALUE})")
    int scoringThreads;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "CPU",
            description = "CPU or CUDA (falls back to CPU with a warning; default: ${DEFAULT-VALUE})")
    ScoringOptions.Device device;

    @Option(names = "--smooth-clips", paramLabel = "N", defaultValue = "" + SmoothingSettings.DEFAULT_WINDOW,
            description = "a face's steady emotion averages the probabilities of its last N clips (default: ${DEFAULT-VALUE})")
    int smoothClips;

    @Option(names = "--smooth-switch-after", paramLabel = "N", defaultValue = "" + SmoothingSettings.DEFAULT_SWITCH_AFTER,
            description = "the steady emotion changes after N confident clips of another label in a row; 2 or more "
                    + "ignores a single odd clip (default: ${DEFAULT-VALUE})")
    int smoothSwitchAfter;

    @Option(names = "--smooth-max-gap-ms", paramLabel = "MS", defaultValue = "" + SmoothingSettings.DEFAULT_MAX_GAP_MILLIS,
            description = "a longer pause between a face's clips starts its steady emotion afresh (default: ${DEFAULT-VALUE})")
    long smoothMaxGapMillis;

    /**
     * Loads the model, checks its ONNX file (its checksum, and that ONNX Runtime loads and runs it) and the landmark
     * model (a missing, foreign or broken file is a start-up error, not a restart loop) and builds the settings.
     */
    public PipelineSettings settings() {
        if (!Files.isReadable(landmarks)) {
            throw new IllegalArgumentException("cannot read dlib's landmark model " + landmarks
                    + " (install Debian's libdlib-data, or name the file with --landmarks)");
        }
        ModelDescriptor descriptor = ModelDescriptor.load(model);
        // a real ONNX Runtime session, opened and run once: a file that matches its checksum but cannot be loaded (or
        // does not take the descriptor's input) ends the start-up, rather than sending the job into a restart loop
        try (OnnxClipClassifier probe = OnnxClipClassifier.open(descriptor, ScoringOptions.cpu(1, 1))) {
            descriptor = probe.model();
        }
        int length = descriptor.clipLength();
        ClipSettings clips = new ClipSettings(length, stride == null ? length : stride, maxDroppedFrames,
                maxTimeGapMillis, maxFramesWithoutFace == null ? length / ClipSettings.DEFAULT_FACELESS_SHARE_DIVISOR
                        : maxFramesWithoutFace, maxOutOfOrderMillis,
                releaseAfterMillis, cameraIdleMillis);
        return new PipelineSettings(descriptor, new FaceStageSettings(landmarks.toString(), upsample, minFaceScore,
                keyframeInterval, trackMargin, keyframeShrink, minFaceSimilarity, fullKeyframeEvery, maxFaces),
                clips, new ScorerSettings(new ScoringOptions(device, 0, scoringThreads, batch), batchDelayMillis),
                new SmoothingSettings(smoothClips, smoothSwitchAfter, smoothMaxGapMillis,
                        SmoothingSettings.DEFAULT_STATE_TTL_MILLIS),
                new FairShareSettings(maxFramesPerSecond, maxCameras, newCamerasPerSecond, cameraIdleMillis),
                cropEveryFrame);
    }
}
