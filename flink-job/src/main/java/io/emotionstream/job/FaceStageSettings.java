package io.emotionstream.job;

import java.io.Serializable;

/**
 * The face stage's settings.
 *
 * @param landmarkModel dlib's 68-point landmark model file
 * @param upsample times frames are doubled before detection (0: faces from about 80 px; 1: from about 40 px, 4x cost)
 * @param minFaceScore dlib detections scoring below this are ignored
 * @param keyframeInterval the whole frame is searched for a face every this many frames of a camera (and at once when
 *     its face is lost); on the frames between, the face is found again near its last box (1: every frame searched)
 * @param trackMargin how far around its last box a face is looked for, in box sizes
 * @param keyframeShrink keyframes are searched in the frame scaled down by this first (faces from about 80 times it
 *     pixels), and at full size only when that finds none; 1 searches at full size
 */
public record FaceStageSettings(String landmarkModel, int upsample, double minFaceScore, int keyframeInterval,
                                double trackMargin, double keyframeShrink) implements Serializable {
    public static final int DEFAULT_KEYFRAME_INTERVAL = 10;
    public static final double DEFAULT_TRACK_MARGIN = 0.3;
    public static final double DEFAULT_KEYFRAME_SHRINK = 2;

    public FaceStageSettings {
        if (keyframeInterval < 1 || !(trackMargin >= 0.1 && trackMargin <= 2)
                || !(keyframeShrink >= 1 && keyframeShrink <= 4)) {
            throw new IllegalArgumentException("keyframe interval must be >= 1, track margin 0.1..2 and keyframe "
                    + "shrink 1..4, got " + keyframeInterval + ", " + trackMargin + " and " + keyframeShrink);
        }
    }
}
