package io.emotionstream.image;

/**
 * An 8-bit image, row by row: {@link RgbFrame} (R, G, B interleaved) or {@link GrayFrame} (one luma byte a pixel,
 * for models whose preprocessing reads only the crop's luma: {@code ModelDescriptor.readsLumaOnly()}).
 */
public sealed interface ImageFrame permits RgbFrame, GrayFrame {
    int width();

    int height();

    /** Bytes a pixel: 3 for RGB, 1 for gray. */
    int channels();

    /** The pixels (not a copy): width x height x channels bytes. */
    byte[] pixels();

    /** An image of this kind with these pixels (width x height x {@link #channels()} bytes). */
    static ImageFrame of(int width, int height, int channels, byte[] pixels) {
        return switch (channels) {
            case 1 -> new GrayFrame(width, height, pixels);
            case 3 -> new RgbFrame(width, height, pixels);
            default -> throw new IllegalArgumentException("images have 1 (gray) or 3 (RGB) channels, not " + channels);
        };
    }
}
