package io.emotionstream.face;

import io.emotionstream.model.ModelDescriptor.CropGeometry;
import io.emotionstream.model.RgbFrame;

/**
 * Cuts a model's face crop out of a frame as the descriptor's crop geometry says: the face is turned so that the
 * eyes are level, scaled so that they are {@code eyeDistance * width} apart, and placed with their midpoint at
 * ({@code eyeCenterX * width}, {@code eyeCenterY * height}). Each crop pixel averages a grid of bilinear samples
 * as wide as the scale (area-like downscaling, so a large face does not alias); outside the frame edge pixels
 * repeat.
 */
public final class FaceCropper {
    private final CropGeometry geometry;

    public FaceCropper(CropGeometry geometry) {
        this.geometry = geometry;
    }

    public RgbFrame crop(RgbFrame frame, DetectedFace face) {
        float[] left = face.leftEye();
        float[] right = face.rightEye();
        return crop(frame, left[0], left[1], right[0], right[1]);
    }

    /** The crop for eye centres at (leftX, leftY) and (rightX, rightY), the left one on the image's left. */
    public RgbFrame crop(RgbFrame frame, double leftX, double leftY, double rightX, double rightY) {
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
        int samples = Math.max(1, (int) Math.ceil(scale));
        byte[] out = new byte[w * h * 3];
        float[] sum = new float[3];
        byte[] pixels = frame.pixels();
        int fw = frame.width();
        int fh = frame.height();
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
                        addBilinear(pixels, fw, fh, x, y, sum);
                    }
                }
                float n = samples * samples;
                int at = (v * w + u) * 3;
                for (int c = 0; c < 3; c++) {
                    out[at + c] = (byte) Math.min(255, Math.round(sum[c] / n));
                }
            }
        }
        return new RgbFrame(w, h, out);
    }

    private static void addBilinear(byte[] pixels, int width, int height, double x, double y, float[] sum) {
        double cx = Math.min(Math.max(x, 0), width - 1);
        double cy = Math.min(Math.max(y, 0), height - 1);
        int x0 = (int) cx;
        int y0 = (int) cy;
        int x1 = Math.min(x0 + 1, width - 1);
        int y1 = Math.min(y0 + 1, height - 1);
        float wx = (float) (cx - x0);
        float wy = (float) (cy - y0);
        for (int c = 0; c < 3; c++) {
            float top = (pixels[(y0 * width + x0) * 3 + c] & 0xff) * (1 - wx) + (pixels[(y0 * width + x1) * 3 + c] & 0xff) * wx;
            float bottom = (pixels[(y1 * width + x0) * 3 + c] & 0xff) * (1 - wx) + (pixels[(y1 * width + x1) * 3 + c] & 0xff) * wx;
            sum[c] += top * (1 - wy) + bottom * wy;
        }
    }
}
