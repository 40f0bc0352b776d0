package io.emotionstream.image;

import java.awt.image.BufferedImage;

/** An 8-bit RGB image, pixels interleaved R, G, B row by row. Immutable by convention: do not change pixels. */
public final class RgbFrame implements ImageFrame {
    private final int width;
    private final int height;
    private final byte[] pixels;

    public RgbFrame(int width, int height, byte[] pixels) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        if (pixels.length != width * height * 3) {
            throw new IllegalArgumentException(
                    "a " + width + "x" + height + " RGB frame needs " + width * height * 3 + " bytes, got " + pixels.length);
        }
        this.width = width;
        this.height = height;
        this.pixels = pixels;
    }

    /**
     * The pixels of an image. 8-bit gray and BGR images are read from their raster as they are (getRGB would pass a
     * gray image through a colour-space conversion that brightens it); other types through getRGB.
     */
    public static RgbFrame of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY || image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            byte[] rgb = new byte[w * h * 3];
            java.awt.image.Raster raster = image.getRaster();
            int bands = raster.getNumBands();
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int at = (y * w + x) * 3;
                    if (bands == 1) {
                        byte v = (byte) row[x];
                        rgb[at] = v;
                        rgb[at + 1] = v;
                        rgb[at + 2] = v;
                    } else { // the raster's bands are R, G, B whatever the byte order in memory
                        rgb[at] = (byte) row[x * 3];
                        rgb[at + 1] = (byte) row[x * 3 + 1];
                        rgb[at + 2] = (byte) row[x * 3 + 2];
                    }
                }
            }
            return new RgbFrame(w, h, rgb);
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[3 * i] = (byte) (argb[i] >> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return new RgbFrame(w, h, rgb);
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int channels() {
        return 3;
    }

    /** The interleaved RGB bytes (not a copy). */
    @Override
    public byte[] pixels() {
        return pixels;
    }

    /** Bilinear resize (pixel centres aligned, edges repeated), as a face crop is resampled to the model size. */
    public RgbFrame resize(int newWidth, int newHeight) {
        if (newWidth == width && newHeight == height) {
            return this;
        }
        byte[] out = new byte[newWidth * newHeight * 3];
        float sx = (float) width / newWidth;
        float sy = (float) height / newHeight;
        for (int y = 0; y < newHeight; y++) {
            float fy = Math.max(0f, (y + 0.5f) * sy - 0.5f);
            int y0 = Math.min((int) fy, height - 1);
            int y1 = Math.min(y0 + 1, height - 1);
            float wy = fy - y0;
            for (int x = 0; x < newWidth; x++) {
                float fx = Math.max(0f, (x + 0.5f) * sx - 0.5f);
                int x0 = Math.min((int) fx, width - 1);
                int x1 = Math.min(x0 + 1, width - 1);
                float wx = fx - x0;
                for (int c = 0; c < 3; c++) {
                    float top = channel(x0, y0, c) * (1 - wx) + channel(x1, y0, c) * wx;
                    float bottom = channel(x0, y1, c) * (1 - wx) + channel(x1, y1, c) * wx;
                    out[(y * newWidth + x) * 3 + c] = (byte) Math.round(top * (1 - wy) + bottom * wy);
                }
            }
        }
        return new RgbFrame(newWidth, newHeight, out);
    }

    private int channel(int x, int y, int c) {
        return pixels[(y * width + x) * 3 + c] & 0xff;
    }
}
