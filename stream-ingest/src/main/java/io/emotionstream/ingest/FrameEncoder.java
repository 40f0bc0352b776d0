package io.emotionstream.ingest;

import io.emotionstream.schema.FrameEncoding;
import io.emotionstream.schema.VideoFrame;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Turns a captured picture into the {@link VideoFrame} record that the agent publishes: scaled so that its longer
 * side is at most {@code maxSide}, JPEG-encoded at a fixed quality. Used by the agent and by tools that must see
 * frames exactly as the job does (the video evaluation). Not thread-safe: one per thread.
 */
public final class FrameEncoder {
    private final int maxSide;
    private final Images.JpegEncoder jpeg;

    public FrameEncoder(int jpegQuality, int maxSide) {
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1-100, got " + jpegQuality);
        }
        if (maxSide < 16) {
            throw new IllegalArgumentException("max frame size must be at least 16 pixels, got " + maxSide);
        }
        this.maxSide = maxSide;
        this.jpeg = new Images.JpegEncoder(jpegQuality);
    }

    /** The agent's defaults: quality 80, longer side at most 640 pixels. */
    public static FrameEncoder agentDefaults() {
        return new FrameEncoder(AgentSettings.DEFAULT_JPEG_QUALITY, AgentSettings.DEFAULT_MAX_SIDE);
    }

    public VideoFrame encode(String cameraId, long sequence, long captureTimeMillis, BufferedImage image) {
        BufferedImage fitted = Images.fit(image, maxSide);
        return VideoFrame.newBuilder()
                .setCameraId(cameraId)
                .setSequence(sequence)
                .setCaptureTime(Instant.ofEpochMilli(captureTimeMillis))
                .setWidth(fitted.getWidth())
                .setHeight(fitted.getHeight())
                .setEncoding(FrameEncoding.JPEG)
                .setData(ByteBuffer.wrap(jpeg.encode(fitted)))
                .build();
    }
}
