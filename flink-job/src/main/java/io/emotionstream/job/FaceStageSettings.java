package io.emotionstream.job;

import io.emotionstream.face.DlibFaceDetector;
import java.io.Serializable;

/**
 * The face stage's settings.
 *
 * @param landmarkModel dlib's 68-point landmark model file
 * @param upsample times frames are doubled before detection (0: faces from about 80 px; 1: from about 40 px, 4x cost)
 * @param minFaceScore dlib detections scoring below this are ignored
 * @param keyframeInterval the whole frame is searched for faces on the first frame looked at after this many frames
 *     of a camera, those passed over included (and at once when a face is lost); on the frames between, each face is
 *     found again near its last box (1: every frame looked at searched); a lost face is remembered this many frames
 * @param trackMargin how far around its last box a face is looked for, in box sizes
 * @param keyframeShrink keyframes are searched in the frame scaled down by this first (faces from about 80 times it
 *     pixels), and at full size only when that finds none; 1 searches at full size
 * @param minSimilarity between keyframes, a face's landmarks are fitted on its box predicted from the last frame, and
 *     kept when its crop correlates with the crop of its last detection at least this much (Pearson's r of the gray
 *     crops, -1..1); otherwise the face is searched for near its box; 1 searches every time
 * @param fullKeyframeEvery every this many keyframes, the first included, search at full size whatever the shrink,
 *     so that a small face next to a large one is found too
 * @param maxFaces at most this many faces of a frame are followed and cropped (the largest, after those already
 *     followed)
 */
public record FaceStageSettings(String landmarkModel, int upsample, double minFaceScore, int keyframeInterval,
                                double trackMargin, double keyframeShrink, double minSimilarity,
                                int fullKeyframeEvery, int maxFaces) implements Serializable {
    /**
     * Once a 30-frame clip: for the default model, its first frame read, so a face that comes into view is found at
     * the start of the next clip, where a search on more of the frames read would find it too late for a clip anyway.
     */
    public static final int DEFAULT_KEYFRAME_INTERVAL = 30;
    public static final double DEFAULT_TRACK_MARGIN = 0.3;
    public static final double DEFAULT_KEYFRAME_SHRINK = 2;
    public static final double DEFAULT_MIN_SIMILARITY = 0.85;
    public static final int DEFAULT_FULL_KEYFRAME_EVERY = 5;
    public static final int DEFAULT_MAX_FACES = 4;

    public FaceStageSettings {
        if (keyframeInterval < 1 || !(trackMargin >= 0.1 && trackMargin <= 2)
                || !(keyframeShrink >= 1 && keyframeShrink <= 4) || !(minSimilarity >= -1 && minSimilarity <= 1)
                || fullKeyframeEvery < 1 || maxFaces < 1
                || maxFaces > 64) {
            throw new IllegalArgumentException("keyframe interval must be >= 1, track margin 0.1..2, keyframe "
                    + "shrink 1..4, min similarity -1..1, full keyframe every >= 1 and max faces 1..64, got "
                    + keyframeInterval + ", " + trackMargin + ", " + keyframeShrink + ", " + minSimilarity + ", "
                    + fullKeyframeEvery + " and " + maxFaces);
        }
    }

    /** The defaults for tracking, searching every frame when {@code keyframeInterval} is 1. */
    public static FaceStageSettings defaults(String landmarkModel, int keyframeInterval) {
        return new FaceStageSettings(landmarkModel, DlibFaceDetector.Options.DEFAULT_UPSAMPLE,
                DlibFaceDetector.Options.DEFAULT_MIN_SCORE, keyframeInterval, DEFAULT_TRACK_MARGIN,
                keyframeInterval == 1 ? 1 : DEFAULT_KEYFRAME_SHRINK, DEFAULT_MIN_SIMILARITY, DEFAULT_FULL_KEYFRAME_EVERY,
                DEFAULT_MAX_FACES);
    }
}
