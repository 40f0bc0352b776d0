package io.emotionstream.ingest;

/**
 * How the agent publishes.
 *
 * @param topic the frames topic
 * @param rate "native" (a file's own frame rate, 25 for image folders, as delivered for live sources), "max" (as
 *     fast as possible) or frames per second (live sources drop frames above it)
 * @param loop start files and folders over when they end
 * @param jpegQuality 1-100
 * @param maxSide frames are scaled down so that their longer side is at most this many pixels
 * @param maxFrames stop each camera after this many frames; 0 for no limit
 * @param sendQueueBytes frames a camera keeps while the broker cannot take them, in bytes; beyond, the oldest are
 *     dropped
 */
public record AgentSettings(String topic, String rate, boolean loop, int jpegQuality, int maxSide, long maxFrames,
                            long initialBackoffMillis, long maxBackoffMillis, long sendQueueBytes) {
    static final double FOLDER_FPS = 25;
    public static final int DEFAULT_JPEG_QUALITY = 80;
    public static final int DEFAULT_MAX_SIDE = 640;
    /** About 3 minutes of a 640x480 camera at 25 fps (JPEG quality 80: 25-40 KB a frame). */
    public static final int DEFAULT_SEND_QUEUE_MB = 192;

    /** The settings with the default send queue. */
    public AgentSettings(String topic, String rate, boolean loop, int jpegQuality, int maxSide, long maxFrames,
                         long initialBackoffMillis, long maxBackoffMillis) {
        this(topic, rate, loop, jpegQuality, maxSide, maxFrames, initialBackoffMillis, maxBackoffMillis,
                (long) DEFAULT_SEND_QUEUE_MB << 20);
    }

    public AgentSettings {
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1-100, got " + jpegQuality);
        }
        if (maxSide < 16) {
            throw new IllegalArgumentException("max frame size must be at least 16 pixels, got " + maxSide);
        }
        if (maxFrames < 0) {
            throw new IllegalArgumentException("max frames must be >= 0, got " + maxFrames);
        }
        if (sendQueueBytes < 1) {
            throw new IllegalArgumentException("the send queue must hold something, got " + sendQueueBytes + " bytes");
        }
        if (initialBackoffMillis < 1 || maxBackoffMillis < initialBackoffMillis) {
            throw new IllegalArgumentException("backoff must be positive and its maximum at least its start");
        }
        if (!rate.equals("native") && !rate.equals("max")) {
            double fps;
            try {
                fps = Double.parseDouble(rate);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("rate must be 'native', 'max' or frames per second, got '" + rate + "'");
            }
            if (!(fps > 0 && fps <= 1000)) {
                throw new IllegalArgumentException("rate must be between 0 and 1000 frames per second, got " + rate);
            }
        }
    }

    /** The defaults of the {@code agent} command: native rate, no loop, JPEG quality 80 at most 640 pixels. */
    public static AgentSettings defaults(String topic) {
        return new AgentSettings(topic, "native", false, DEFAULT_JPEG_QUALITY, DEFAULT_MAX_SIDE, 0, 1_000, 30_000);
    }

    public AgentSettings withRate(String rate, boolean loop) {
        return new AgentSettings(topic, rate, loop, jpegQuality, maxSide, maxFrames, initialBackoffMillis,
                maxBackoffMillis, sendQueueBytes);
    }

    /** Frames per second to publish this source at; 0 for no pacing. */
    double framesPerSecond(FrameSource source) {
        switch (rate) {
            case "max":
                return 0;
            case "native":
                if (source.live()) {
                    return 0;
                }
                return source.frameRate() > 0 ? source.frameRate() : FOLDER_FPS;
            default:
                return Double.parseDouble(rate);
        }
    }
}
