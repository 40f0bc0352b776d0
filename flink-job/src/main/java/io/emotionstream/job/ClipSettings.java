package io.emotionstream.job;

import java.io.Serializable;

/**
 * How frames become clips.
 *
 * @param clipLength frames per clip
 * @param stride frames between the starts of consecutive clips (clipLength: back to back; less: overlapping); clips
 *     start at sequence numbers that are multiples of it
 * @param maxDroppedFrames a jump in sequence numbers by more than this many missing frames ends a partial clip
 * @param maxTimeGapMillis more time than this between consecutive frames ends a partial clip; a frame further ahead
 *     of the one before it than this (per frame), or back in time, disagrees with its camera's clock
 *     ({@link FrameReorderBuffer})
 * @param maxFramesWithoutFace of the clip's frames looked at ({@link ClipGrid}), more than this share of them
 *     (maxFramesWithoutFace / clipLength, rounded) without the face ends the clip
 * @param maxOutOfOrderMillis frames after a gap in a camera's sequence wait this long (arrival time) for the missing
 *     ones, then are taken in past it; a missing frame that comes later is late
 * @param releaseAfterMillis a camera silent this long (processing time) has its waiting frames taken in at once, so
 *     its last clip comes out although no newer frame will
 * @param idleTimeoutMillis a camera silent this long (processing time) has its partial clip and state dropped
 */
public record ClipSettings(int clipLength, int stride, int maxDroppedFrames, long maxTimeGapMillis,
                           int maxFramesWithoutFace, long maxOutOfOrderMillis, long releaseAfterMillis,
                           long idleTimeoutMillis) implements Serializable {
    public static final int DEFAULT_MAX_DROPPED_FRAMES = 5;
    public static final long DEFAULT_MAX_TIME_GAP_MILLIS = 1_000;
    /** The default of maxFramesWithoutFace is the clip length over this. */
    public static final int DEFAULT_FACELESS_SHARE_DIVISOR = 5;
    public static final long DEFAULT_MAX_OUT_OF_ORDER_MILLIS = 500;
    public static final long DEFAULT_RELEASE_AFTER_MILLIS = 2_000;
    public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 30_000;

    public ClipSettings {
        if (clipLength < 1) {
            throw new IllegalArgumentException("clip length must be >= 1, got " + clipLength);
        }
        if (stride < 1 || stride > clipLength) {
            throw new IllegalArgumentException("stride must be 1.." + clipLength + ", got " + stride);
        }
        if (maxDroppedFrames < 0 || maxTimeGapMillis < 1 || maxFramesWithoutFace < 0 || maxOutOfOrderMillis < 0) {
            throw new IllegalArgumentException("gap, no-face and out-of-order limits must not be negative");
        }
        if (releaseAfterMillis < 1 || idleTimeoutMillis < releaseAfterMillis) {
            throw new IllegalArgumentException("a camera's release wait must be positive and its idle timeout at "
                    + "least as long, got " + releaseAfterMillis + " and " + idleTimeoutMillis + " ms");
        }
    }

    public static ClipSettings defaults(int clipLength) {
        return new ClipSettings(clipLength, clipLength, DEFAULT_MAX_DROPPED_FRAMES, DEFAULT_MAX_TIME_GAP_MILLIS,
                clipLength / DEFAULT_FACELESS_SHARE_DIVISOR, DEFAULT_MAX_OUT_OF_ORDER_MILLIS,
                DEFAULT_RELEASE_AFTER_MILLIS, DEFAULT_IDLE_TIMEOUT_MILLIS);
    }
}
