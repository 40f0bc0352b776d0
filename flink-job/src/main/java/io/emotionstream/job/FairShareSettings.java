package io.emotionstream.job;

import java.io.Serializable;

/**
 * Each camera's fair share of the job ({@link FairShare}, {@link CameraGate}).
 *
 * @param maxFramesPerSecond frames a camera may send a second (a burst of 5 s worth); more are dropped
 * @param maxCameras cameras the job knows at once (shared out evenly among the source's subtasks); frames of more
 *     are refused
 * @param newCamerasPerSecond new cameras let in a second (per source subtask), so a flood of ids grows no state
 * @param forgetAfterMillis a camera silent this long is forgotten (and counts no more towards maxCameras)
 */
public record FairShareSettings(int maxFramesPerSecond, int maxCameras, int newCamerasPerSecond,
                                long forgetAfterMillis) implements Serializable {
    public static final int DEFAULT_MAX_FRAMES_PER_SECOND = 30;
    public static final int DEFAULT_MAX_CAMERAS = 1_000;
    public static final int DEFAULT_NEW_CAMERAS_PER_SECOND = 5;
    public static final long DEFAULT_FORGET_AFTER_MILLIS = 30_000;

    public FairShareSettings {
        if (maxFramesPerSecond < 1 || maxCameras < 1 || newCamerasPerSecond < 1 || forgetAfterMillis < 1) {
            throw new IllegalArgumentException("frame rate, camera count, admission rate and memory of the fair "
                    + "share must be positive, got " + maxFramesPerSecond + ", " + maxCameras + ", "
                    + newCamerasPerSecond + ", " + forgetAfterMillis);
        }
    }

    /** No limit: for recorded input replayed as fast as the job takes it (the evaluation). */
    public static FairShareSettings unlimited() {
        return new FairShareSettings(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, DEFAULT_FORGET_AFTER_MILLIS);
    }

    public static FairShareSettings defaults() {
        return new FairShareSettings(DEFAULT_MAX_FRAMES_PER_SECOND, DEFAULT_MAX_CAMERAS,
                DEFAULT_NEW_CAMERAS_PER_SECOND, DEFAULT_FORGET_AFTER_MILLIS);
    }
}
