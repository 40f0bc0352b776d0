package io.emotionstream.job;

import java.io.Serializable;

/**
 * What the job accepts of a frame record; a record outside these limits is a dead letter with its reason.
 *
 * @param maxRecordBytes larger records are not read ({@code OVERSIZED_RECORD}); the frames topic accepts larger
 *     messages (see {@code Topics.FRAMES}), so such a record reaches the job and is reported
 * @param maxFrameSide frames wider or taller are refused ({@code INVALID_FRAME}), from the record and again from the
 *     image header before decoding
 * @param maxCaptureAheadMillis a capture time further ahead of the record's Kafka time (the broker's append time on
 *     the frames topic), or of this machine's clock when the record has none, is refused ({@code CAPTURE_TIME_AHEAD})
 */
public record FrameLimits(int maxRecordBytes, int maxFrameSide, long maxCaptureAheadMillis) implements Serializable {
    public static final int DEFAULT_MAX_RECORD_BYTES = 4 << 20;
    public static final int DEFAULT_MAX_FRAME_SIDE = 4096;
    public static final long DEFAULT_MAX_CAPTURE_AHEAD_MILLIS = 10_000;

    public FrameLimits {
        if (maxRecordBytes < 1024 || maxFrameSide < 16 || maxCaptureAheadMillis < 0) {
            throw new IllegalArgumentException("record limit must be >= 1024 bytes, frame side >= 16 px and capture "
                    + "time allowance >= 0, got " + maxRecordBytes + ", " + maxFrameSide + ", " + maxCaptureAheadMillis);
        }
    }

    public static FrameLimits defaults() {
        return new FrameLimits(DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_FRAME_SIDE, DEFAULT_MAX_CAPTURE_AHEAD_MILLIS);
    }
}
