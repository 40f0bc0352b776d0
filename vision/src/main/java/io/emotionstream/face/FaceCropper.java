package io.emotionstream.face;

import io.emotionstream.image.ImageFrame;
import io.emotionstream.model.ModelDescriptor.CropGeometry;
import io.emotionstream.image.RgbFrame;

/**
 * Cuts a model's face crop out of a frame as the descriptor's crop geometry says: the face is turned so that the
 * eyes are level, scaled so that they are {@code eyeDistance * width} apart, and placed with their midpoint at
 * ({@code eyeCenterX * width}, {@code eyeCenterY * height}). Each crop pixel averages a grid of bilinear samples
 * over its footprint in the frame, at most a frame pixel apart (area-like downscaling, so a large face does not alias);
 * outside the frame edge pixels repeat. An RGB frame gives an RGB crop, a gray frame a gray one.
 */
public final class FaceCropper {
    /** Most frame pixels between two samples of one crop pixel. */
    static final double TAP_SPACING = 1;

    private final CropGeometry geometry;
    private final double tapSpacing;

    public FaceCropper(CropGeometry geometry) {
        this(geometry, TAP_SPACING);
    }

    /** With samples at most {@code tapSpacing} frame pixels apart (denser: slower, closer to the exact area average). */
    FaceCropper(CropGeometry geometry, double tapSpacing) {
        this.geometry = geometry;
        this.tapSpacing = tapSpacing;
    }

    public RgbFrame crop(RgbFrame frame, DetectedFace face) {
        return (RgbFrame) crop((ImageFrame) frame, face);
    }

    /** The crop of an RGB or a gray frame, of the same kind. */
    public ImageFrame crop(ImageFrame frame, DetectedFace face) {
        float[] left = face.leftEye();
        float[] right = face.rightEye();
        return crop(frame, left[0], left[1], right[0], right[1]);
    }

    /** The crop for eye centres at (leftX, leftY) and (rightX, rightY), the left one on the image's left. */
    public RgbFrame crop(RgbFrame frame, double leftX, double leftY, double rightX, double rightY) {
        return (RgbFrame) crop((ImageFrame) frame, leftX, leftY, rightX, rightY);
    }

    /** {@link #crop(RgbFrame, double, double, double, double)} of an RGB or a gray frame, of the same kind. */
    public ImageFrame crop(ImageFrame frame, double leftX, double leftY, double rightX, double rightY) {
        int w = geometry.width();
        int h = geometry.height();
        double dx = rightX - leftX;
        double dy = rightY - leftY;
        double eyeDistance = Math.hypot(dx, dy);
        if (!(eyeDistance > 1)) {
            throw new IllegalArgumentException("eyes less than a pixel apart: cannot place a crop");
        }
        double angle = geometry.levelEyes() ? Math.atan2(dy, dx) : 0;
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double scale = eyeDistance / (geometry.eyeDistance() * w); // frame pixels per crop pixel
        double midX = (leftX + rightX) / 2;
        double midY = (leftY + rightY) / 2;
        double centerU = geometry.eyeCenterX() * w;
        double centerV = geometry.eyeCenterY() * h;
        int samples = Math.max(1, (int) Math.ceil(scale / tapSpacing));
        int channels = frame.channels();
        byte[] out = new byte[w * h * channels];
        byte[] pixels = frame.pixels();
        int fw = frame.width();
        int fh = frame.height();
        // frame position (pixel centres at integer + 0.5) of the first sample of crop pixel (0, 0), and the steps
        // from one sample to the next along the crop's rows and columns
        double step = scale / samples;
        double firstU = (0.5 / samples - centerU) * scale;
        double firstV = (0.5 / samples - centerV) * scale;
        double originX = midX + firstU * cos - firstV * sin - 0.5;
        double originY = midY + firstU * sin + firstV * cos - 0.5;
        if (inside(originX, originY, cos * step, sin * step, -sin * step, cos * step, w * samples - 1,
                h * samples - 1, fw, fh)) {
            cropInside(pixels, fw, channels, originX, originY, cos * step, sin * step, -sin * step, cos * step,
                    samples, w, h, out);
            return ImageFrame.of(w, h, channels, out);
        }
        float[] sum = new float[3];
        for (int v = 0; v < h; v++) {
            for (int u = 0; u < w; u++) {
                sum[0] = sum[1] = sum[2] = 0;
                for (int sv = 0; sv < samples; sv++) {
                    double cv = (v + (sv + 0.5) / samples - centerV) * scale;
                    for (int su = 0; su < samples; su++) {
                        double cu = (u + (su + 0.5) / samples - centerU) * scale;
                        // frame position (pixel centres at integer + 0.5)
                        double x = midX + cu * cos - cv * sin - 0.5;
                        double y = midY + cu * sin + cv * cos - 0.5;
                        addBilinear(pixels, fw, fh, channels, x, y, sum);
                    }
                }
                float n = samples * samples;
                int at = (v * w + u) * channels;
                for (int c = 0; c < channels; c++) {
                    out[at + c] = (byte) Math.min(255, Math.round(sum[c] / n));
                }
            }
        }
        return ImageFrame.of(w, h, channels, out);
    }

    /** Whether every sample lies inside the frame with its right and lower neighbours (no edge to repeat). */
    private static boolean inside(double x, double y, double ux, double uy, double vx, double vy, int lastU, int lastV,
                                  int width, int height) {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (int corner = 0; corner < 4; corner++) {
            double cx = x + (corner & 1) * lastU * ux + (corner >> 1) * lastV * vx;
            double cy = y + (corner & 1) * lastU * uy + (corner >> 1) * lastV * vy;
            minX = Math.min(minX, cx);
            maxX = Math.max(maxX, cx);
            minY = Math.min(minY, cy);
            maxY = Math.max(maxY, cy);
        }
        return minX >= 0 && minY >= 0 && maxX < width - 1.001 && maxY < height - 1.001;
    }

    /**
     * The crop when all its samples lie inside the frame: the same samples as the general path, their positions
     * stepped instead of computed, without clamping. {@code channels} is 3 (RGB) or 1 (gray).
     */
    private static void cropInside(byte[] pixels, int width, int channels, double originX, double originY, double ux,
                                   double uy, double vx, double vy, int samples, int w, int h, byte[] out) {
        float n = samples * samples;
        int stride = width * channels;
        boolean rgb = channels == 3;
        for (int v = 0; v < h; v++) {
            for (int u = 0; u < w; u++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int sv = 0; sv < samples; sv++) {
                    int rowU = u * samples;
                    int rowV = v * samples + sv;
                    double x = originX + rowU * ux + rowV * vx;
                    double y = originY + rowU * uy + rowV * vy;
                    for (int su = 0; su < samples; su++, x += ux, y += uy) {
                        int x0 = (int) x;
                        int y0 = (int) y;
                        float wx = (float) (x - x0);
                        float wy = (float) (y - y0);
                        int p = y0 * stride + x0 * channels;
                        int q = p + stride;
                        float a = (1 - wx) * (1 - wy);
                        float bw = wx * (1 - wy);
                        float c = (1 - wx) * wy;
                        float d = wx * wy;
                        r += (pixels[p] & 0xff) * a + (pixels[p + channels] & 0xff) * bw + (pixels[q] & 0xff) * c
                                + (pixels[q + channels] & 0xff) * d;
                        if (rgb) {
                            g += (pixels[p + 1] & 0xff) * a + (pixels[p + 4] & 0xff) * bw + (pixels[q + 1] & 0xff) * c
                                    + (pixels[q + 4] & 0xff) * d;
                            b += (pixels[p + 2] & 0xff) * a + (pixels[p + 5] & 0xff) * bw + (pixels[q + 2] & 0xff) * c
                                    + (pixels[q + 5] & 0xff) * d;
                        }
                    }
                }
                int at = (v * w + u) * channels;
                out[at] = (byte) Math.min(255, Math.round(r / n));
                if (rgb) {
                    out[at + 1] = (byte) Math.min(255, Math.round(g / n));
                    out[at + 2] = (byte) Math.min(255, Math.round(b / n));
                }
            }
        }
    }

    private static void addBilinear(byte[] pixels, int width, int height, int channels, double x, double y,
                                    float[] sum) {
        double cx = Math.min(Math.max(x, 0), width - 1);
        double cy = Math.min(Math.max(y, 0), height - 1);
        int x0 = (int) cx;
        int y0 = (int) cy;
        int x1 = Math.min(x0 + 1, width - 1);
        int y1 = Math.min(y0 + 1, height - 1);
        float wx = (float) (cx - x0);
        float wy = (float) (cy - y0);
        for (int c = 0; c < channels; c++) {
            float top = (pixels[(y0 * width + x0) * channels + c] & 0xff) * (1 - wx)
                    + (pixels[(y0 * width + x1) * channels + c] & 0xff) * wx;
            float bottom = (pixels[(y1 * width + x0) * channels + c] & 0xff) * (1 - wx)
                    + (pixels[(y1 * width + x1) * channels + c] & 0xff) * wx;
            sum[c] += top * (1 - wy) + bottom * wy;
        }
    }
}
