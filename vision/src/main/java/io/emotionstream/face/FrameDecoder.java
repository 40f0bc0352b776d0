package io.emotionstream.face;

import io.emotionstream.image.GrayFrame;
import io.emotionstream.image.ImageFrame;
import io.emotionstream.image.RgbFrame;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes a camera frame's image to the pixels the face stage works on: gray (for a model that reads only luma: a
 * JPEG's own Y channel, its colour left undecoded) or RGB. The image is recognised by its content, whatever encoding a
 * record names (PNG data labelled JPEG is read as PNG); JPEGs go to libjpeg-turbo ({@link JpegDecoder}) where its
 * bridge is there, everything else (and JPEGs without it) to ImageIO. The size is read from the image's header and
 * checked before any pixel is decoded, so an image that claims a huge size costs nothing. CMYK images (print JPEGs)
 * are refused, as their colours would come out wrong.
 *
 * <p>A libjpeg-turbo frame is decoded into one pixel buffer that the decoder reuses: the frame it returns is valid
 * until the next call. One decoder per thread.
 */
public final class FrameDecoder {
    /** An image that cannot be used, and why. */
    public static final class BadImage extends Exception {
        private final boolean wrongSize;

        BadImage(boolean wrongSize, String detail) {
            super(detail, null, false, false);
            this.wrongSize = wrongSize;
        }

        /** True when the image is readable but of another size than expected; false when it cannot be decoded. */
        public boolean wrongSize() {
            return wrongSize;
        }
    }

    private final boolean gray;
    private byte[] pixels = new byte[0];

    /**
     * @param gray decode to 8-bit gray (luma) rather than RGB
     */
    public FrameDecoder(boolean gray) {
        this.gray = gray;
    }

    /**
     * The image's pixels, gray or RGB.
     *
     * @param width the width the image must have
     * @param height the height the image must have
     * @throws BadImage when it has another size, is CMYK, or cannot be decoded
     */
    public ImageFrame decode(byte[] image, int width, int height) throws BadImage {
        if (JpegDecoder.available() && JpegDecoder.isJpeg(image)) {
            return decodeJpeg(image, width, height);
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in, true, true);
                    checkSize(reader.getWidth(0), reader.getHeight(0), width, height);
                    BufferedImage decoded = reader.read(0);
                    if (decoded.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
                        throw new BadImage(false, "a CMYK image, whose colours Java's decoder does not convert; "
                                + "send RGB");
                    }
                    RgbFrame rgb = RgbFrame.of(decoded);
                    return gray ? GrayFrame.lumaOf(rgb) : rgb;
                } finally {
                    reader.dispose();
                }
            }
        } catch (IOException | RuntimeException e) {
            // undecodable: refused below
        }
        throw new BadImage(false, "the image data cannot be decoded");
    }

    /** A JPEG, by libjpeg-turbo: its header checked first, then decoded straight to gray or RGB into the buffer. */
    private ImageFrame decodeJpeg(byte[] jpeg, int width, int height) throws BadImage {
        JpegDecoder.Header header;
        try {
            header = JpegDecoder.header(jpeg);
        } catch (IllegalArgumentException e) {
            throw new BadImage(false, "the JPEG data cannot be decoded: " + e.getMessage());
        }
        checkSize(header.width(), header.height(), width, height);
        if (header.components() == 4) {
            throw new BadImage(false, "a CMYK JPEG, whose colours the job does not convert; send RGB");
        }
        try {
            int size = width * height * (gray ? 1 : 3);
            if (pixels.length != size) {
                pixels = new byte[size];
            }
            return gray ? JpegDecoder.decodeGray(jpeg, width, height, pixels)
                    : JpegDecoder.decode(jpeg, width, height, pixels);
        } catch (IllegalArgumentException e) {
            throw new BadImage(false, "the JPEG data cannot be decoded: " + e.getMessage());
        }
    }

    private static void checkSize(int actualWidth, int actualHeight, int width, int height) throws BadImage {
        if (actualWidth != width || actualHeight != height) {
            throw new BadImage(true, "image is " + actualWidth + "x" + actualHeight + " but the record says " + width
                    + "x" + height);
        }
    }
}
