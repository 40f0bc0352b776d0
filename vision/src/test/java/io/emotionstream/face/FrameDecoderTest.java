package io.emotionstream.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.image.GrayFrame;
import io.emotionstream.image.ImageFrame;
import io.emotionstream.image.RgbFrame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** A frame's image decoded by its content, its size checked first, bad data refused with the reason. */
class FrameDecoderTest {
    private static byte[] image(String format, int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, ((x * 4) & 0xff) << 16 | ((y * 3) & 0xff) << 8 | (x + y) & 0xff);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, format, bytes);
        return bytes.toByteArray();
    }

    @Test
    void decodesPngAndJpegToGrayOrRgb() throws Exception {
        byte[] png = image("png", 64, 48);
        ImageFrame rgb = new FrameDecoder(false).decode(png, 64, 48);
        ImageFrame gray = new FrameDecoder(true).decode(png, 64, 48);
        assertEquals(3, rgb.channels());
        assertEquals(1, gray.channels());
        assertArrayEquals(GrayFrame.lumaOf((RgbFrame) rgb).pixels(), gray.pixels(), "gray is the RGB's luma");

        ImageFrame jpeg = new FrameDecoder(true).decode(image("jpg", 64, 48), 64, 48);
        assertEquals(64, jpeg.width());
        assertEquals(48, jpeg.height());
        assertEquals(64 * 48, jpeg.pixels().length);
    }

    @Test
    void refusesAnotherSizeBeforeDecodingAndDataThatIsNoImage() throws Exception {
        FrameDecoder decoder = new FrameDecoder(true);
        FrameDecoder.BadImage size = assertThrows(FrameDecoder.BadImage.class,
                () -> decoder.decode(image("jpg", 64, 48), 640, 480));
        assertTrue(size.wrongSize());
        assertEquals("image is 64x48 but the record says 640x480", size.getMessage());
        FrameDecoder.BadImage garbage = assertThrows(FrameDecoder.BadImage.class,
                () -> decoder.decode("not an image".getBytes(), 64, 48));
        assertFalse(garbage.wrongSize());
        byte[] truncated = java.util.Arrays.copyOf(image("jpg", 64, 48), 40);
        assertFalse(assertThrows(FrameDecoder.BadImage.class, () -> decoder.decode(truncated, 64, 48)).wrongSize());
    }
}
