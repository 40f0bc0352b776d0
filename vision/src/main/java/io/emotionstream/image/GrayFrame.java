package io.emotionstream.image;

/**
 * An 8-bit gray image, one byte a pixel row by row: a frame's luma, as a JPEG carries it in its Y channel
 * (0.299 R + 0.587 G + 0.114 B), or a face crop cut from it. Immutable by convention: do not change pixels (the
 * accessor returns them, not a copy).
 */
public record GrayFrame(int width, int height, byte[] pixels) implements ImageFrame {
    public GrayFrame {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        if (pixels.length != width * height) {
            throw new IllegalArgumentException(
                    "a " + width + "x" + height + " gray frame needs " + width * height + " bytes, got " + pixels.length);
        }
    }

    /** The luma of an RGB image, {@code (299 R + 587 G + 114 B + 500) div 1000} per pixel, as the models compute it. */
    public static GrayFrame lumaOf(RgbFrame rgb) {
        byte[] in = rgb.pixels();
        byte[] out = new byte[rgb.width() * rgb.height()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((299 * (in[3 * i] & 0xff) + 587 * (in[3 * i + 1] & 0xff) + 114 * (in[3 * i + 2] & 0xff)
                    + 500) / 1000);
        }
        return new GrayFrame(rgb.width(), rgb.height(), out);
    }

    @Override
    public int channels() {
        return 1;
    }
}
