package io.emotionstream.ingest;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Image helpers of the agent: copy, bounded resize and JPEG encoding. */
final class Images {
    private Images() {}

    static BufferedImage copy(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        out.getGraphics().drawImage(image, 0, 0, null);
        return out;
    }

    /** The image scaled down (aspect kept) so that its longer side is at most maxSide; unchanged when it fits. */
    static BufferedImage fit(BufferedImage image, int maxSide) {
        int longer = Math.max(image.getWidth(), image.getHeight());
        if (longer <= maxSide) {
            return image;
        }
        double scale = (double) maxSide / longer;
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(image, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** A JPEG encoder at a fixed quality; reuse one per thread. */
    static final class JpegEncoder {
        private final ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        private final ImageWriteParam param = writer.getDefaultWriteParam();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);

        JpegEncoder(int quality) {
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
        }

        byte[] encode(BufferedImage image) {
            BufferedImage rgb = image.getType() == BufferedImage.TYPE_3BYTE_BGR || image.getType() == BufferedImage.TYPE_INT_RGB
                    ? image : copy(image);
            buffer.reset();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(buffer)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(rgb, null, null), param);
            } catch (IOException e) {
                throw new UncheckedIOException("JPEG encoding failed", e);
            }
            return buffer.toByteArray();
        }
    }
}
