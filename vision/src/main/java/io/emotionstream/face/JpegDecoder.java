package io.emotionstream.face;

import io.emotionstream.image.GrayFrame;
import io.emotionstream.image.RgbFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JPEG decoding with libjpeg-turbo (SIMD; Debian's libjpeg62-turbo through a small JNI bridge): several times faster
 * than ImageIO's decoder for camera frames. The image's size is read from its header and checked before any pixel is
 * decoded, so a small file that claims a huge image costs nothing. Where the bridge is not there (built without
 * libjpeg-turbo's headers, or another platform) or libjpeg.so.62 is missing, {@link #available()} is false and callers
 * decode with ImageIO; {@value #BRIDGE_PROPERTY}=false does the same on purpose.
 */
public final class JpegDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(JpegDecoder.class);
    /** Set to false to decode with ImageIO even where the bridge is there (to compare, or to test that path). */
    public static final String BRIDGE_PROPERTY = "emotionstream.jpeg.bridge";
    private static final boolean AVAILABLE = loadBridge();

    private JpegDecoder() {}

    private static boolean loadBridge() {
        if ("false".equals(System.getProperty(BRIDGE_PROPERTY))) {
            LOG.info("JPEG bridge turned off ({}=false): JPEG frames are decoded by ImageIO", BRIDGE_PROPERTY);
            return false;
        }
        try {
            NativeLibrary.load("emotionstream_jpeg");
            return true;
        } catch (UnsatisfiedLinkError e) {
            LOG.warn("libjpeg-turbo is not usable ({}); JPEG frames are decoded by ImageIO, several times slower. "
                    + "On Debian or Ubuntu: apt-get install libjpeg62-turbo-dev and build again", e.getMessage());
            return false;
        }
    }

    /** Whether libjpeg-turbo could be loaded here. */
    public static boolean available() {
        return AVAILABLE;
    }

    /** Whether the bytes start as a JPEG does (the SOI marker); anything else is left to other decoders. */
    public static boolean isJpeg(byte[] data) {
        return data.length > 3 && (data[0] & 0xff) == 0xff && (data[1] & 0xff) == 0xd8 && (data[2] & 0xff) == 0xff;
    }

    /** Width, height and colour components of the JPEG, from its header alone. */
    public record Header(int width, int height, int components) {}

    /**
     * @throws IllegalArgumentException when the bytes are no readable JPEG header
     */
    public static Header header(byte[] jpeg) {
        int[] header = readHeader(jpeg);
        return new Header(header[0], header[1], header[2]);
    }

    /**
     * Decodes a JPEG of this size to RGB.
     *
     * @throws IllegalArgumentException with the reason when it is another size, a CMYK image, or corrupt
     */
    public static RgbFrame decode(byte[] jpeg, int width, int height) {
        return decode(jpeg, width, height, new byte[width * height * 3]);
    }

    /**
     * Decodes a JPEG of this size to RGB into {@code pixels} (at least width x height x 3 bytes), which the frame then
     * wraps: a decoder of a stream of frames reuses one buffer rather than allocating a large array per frame.
     */
    public static RgbFrame decode(byte[] jpeg, int width, int height, byte[] pixels) {
        decodePixels(jpeg, width, height, pixels, false);
        return new RgbFrame(width, height, pixels.length == width * height * 3 ? pixels
                : java.util.Arrays.copyOf(pixels, width * height * 3));
    }

    /**
     * Decodes a JPEG of this size to 8-bit gray, one byte a pixel row by row, into {@code pixels} (at least width x
     * height bytes), which the frame then wraps: a colour JPEG's own luma channel (Y = 0.299 R + 0.587 G + 0.114 B,
     * as JFIF defines it), its colour left undecoded, so cheaper than {@link #decode}.
     *
     * @throws IllegalArgumentException with the reason when it is another size, a CMYK image, or corrupt
     */
    public static GrayFrame decodeGray(byte[] jpeg, int width, int height, byte[] pixels) {
        decodePixels(jpeg, width, height, pixels, true);
        return new GrayFrame(width, height, pixels.length == width * height ? pixels
                : java.util.Arrays.copyOf(pixels, width * height));
    }

    private static native int[] readHeader(byte[] jpeg);

    private static native void decodePixels(byte[] jpeg, int width, int height, byte[] into, boolean gray);
}
