package io.emotionstream.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class RgbFrameTest {
    @Test
    void grayImagesKeepTheirValues() throws Exception {
        // a gray PNG, as the FER2013 and CK+ stills are: getRGB would brighten 69 to about 142
        BufferedImage gray = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(1, 2, 0, 69);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(gray, "png", png);
        RgbFrame frame = RgbFrame.of(ImageIO.read(new ByteArrayInputStream(png.toByteArray())));
        int at = (2 * 4 + 1) * 3;
        assertEquals(69, frame.pixels()[at] & 0xff);
        assertEquals(69, frame.pixels()[at + 1] & 0xff);
        assertEquals(69, frame.pixels()[at + 2] & 0xff);
    }

    @Test
    void colourImagesKeepTheirChannels() {
        for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_RGB}) {
            BufferedImage image = new BufferedImage(3, 2, type);
            image.setRGB(2, 1, 0x102030);
            RgbFrame frame = RgbFrame.of(image);
            int at = (1 * 3 + 2) * 3;
            assertEquals(0x10, frame.pixels()[at]);
            assertEquals(0x20, frame.pixels()[at + 1]);
            assertEquals(0x30, frame.pixels()[at + 2]);
        }
    }
}
