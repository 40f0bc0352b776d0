package io.emotionstream.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.image.RgbFrame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** libjpeg-turbo through the bridge gives ImageIO's pixels, checks sizes from the header, and refuses bad data. */
class JpegDecoderTest {
    @Test
    void isAvailableWhereTheBuildRuns() {
        assertTrue(JpegDecoder.available(), "libjpeg62-turbo comes with libdlib-dev, which the build needs");
    }

    @Test
    void decodesAsImageIoDoes() throws Exception {
        BufferedImage image = new BufferedImage(160, 120, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 120; y++) {
            for (int x = 0; x < 160; x++) { // smooth gradients and a hard edge, as in a face in a room
                int r = (x * 255) / 159;
                int g = (y * 255) / 119;
                int b = x > 80 && y > 60 ? 230 : 20;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", bytes);
        byte[] jpeg = bytes.toByteArray();

        assertTrue(JpegDecoder.isJpeg(jpeg));
        assertEquals(new JpegDecoder.Header(160, 120, 3), JpegDecoder.header(jpeg));
        RgbFrame turbo = JpegDecoder.decode(jpeg, 160, 120);
        RgbFrame imageIo = RgbFrame.of(ImageIO.read(new ByteArrayInputStream(jpeg)));
        long sum = 0;
        int max = 0;
        for (int i = 0; i < turbo.pixels().length; i++) {
            int d = Math.abs((turbo.pixels()[i] & 0xff) - (imageIo.pixels()[i] & 0xff));
            sum += d;
            max = Math.max(max, d);
        }
        double mean = sum / (double) turbo.pixels().length;
        assertTrue(mean < 0.5 && max <= 3, "mean difference " + mean + ", largest " + max);

        // gray: the JPEG's own luma, the Rec. 601 luma of its RGB decoding but for rounding (a few levels at the hard
        // colour edge, where the RGB decoding's upsampled colour and clamping move it)
        byte[] gray = new byte[160 * 120];
        JpegDecoder.decodeGray(jpeg, 160, 120, gray);
        byte[] rgb = turbo.pixels();
        long graySum = 0;
        int grayMax = 0;
        for (int i = 0; i < gray.length; i++) {
            int luma = (299 * (rgb[3 * i] & 0xff) + 587 * (rgb[3 * i + 1] & 0xff) + 114 * (rgb[3 * i + 2] & 0xff)
                    + 500) / 1000;
            int d = Math.abs((gray[i] & 0xff) - luma);
            graySum += d;
            grayMax = Math.max(grayMax, d);
        }
        double grayMean = graySum / (double) gray.length;
        assertTrue(grayMean < 0.1 && grayMax <= 8, "gray: mean difference " + grayMean + ", largest " + grayMax);
    }

    @Test
    void checksTheSizeFromTheHeaderAndRefusesWhatIsNoJpeg() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR), "jpg", bytes);
        byte[] jpeg = bytes.toByteArray();
        IllegalArgumentException wrongSize = assertThrows(IllegalArgumentException.class,
                () -> JpegDecoder.decode(jpeg, 640, 480));
        assertTrue(wrongSize.getMessage().contains("image is 64x48, not 640x480"), wrongSize.getMessage());
        byte[] truncated = Arrays.copyOf(jpeg, 20);
        assertThrows(IllegalArgumentException.class, () -> JpegDecoder.header(truncated));
        assertFalse(JpegDecoder.isJpeg("plain text".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> JpegDecoder.header(new byte[] {(byte) 0xff, (byte) 0xd8,
                (byte) 0xff, 0, 1, 2}));
    }
}
