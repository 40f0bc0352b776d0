package io.emotionstream.job;

import io.emotionstream.image.GrayFrame;
import io.emotionstream.image.ImageFrame;
import io.emotionstream.image.RgbFrame;

/** How alike two face crops are: the face tracker's check that landmarks fitted without detection are still on it. */
final class CropSimilarity {
    private CropSimilarity() {}

    /** The 8-bit luma of a crop (Rec. 601 weights for an RGB one), for the tracker's similarity check. */
    static byte[] luma(ImageFrame crop) {
        return crop instanceof RgbFrame rgb ? GrayFrame.lumaOf(rgb).pixels() : crop.pixels();
    }

    /** Pearson's correlation of two gray images of one size, -1..1 (0 when either is flat, -1 for other sizes). */
    static double of(byte[] a, byte[] b) {
        if (a.length != b.length || a.length == 0) {
            return -1;
        }
        double sumA = 0;
        double sumB = 0;
        for (int i = 0; i < a.length; i++) {
            sumA += a[i] & 0xff;
            sumB += b[i] & 0xff;
        }
        double meanA = sumA / a.length;
        double meanB = sumB / b.length;
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = (a[i] & 0xff) - meanA;
            double y = (b[i] & 0xff) - meanB;
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
    }
}
