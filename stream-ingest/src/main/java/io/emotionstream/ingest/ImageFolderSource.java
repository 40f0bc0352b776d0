package io.emotionstream.ingest;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** The images of a folder in name order, as frames. An image that cannot be read fails the grab. */
final class ImageFolderSource implements FrameSource {
    private final Path folder;
    private List<Path> files = List.of();
    private int next;

    ImageFolderSource(Path folder) {
        this.folder = folder;
    }

    @Override
    public void open() throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("cannot read image folder " + folder);
        }
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(ImageFolderSource::isImage).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(folder + " holds no images (png, jpg, jpeg, bmp)");
        }
        next = 0;
    }

    @Override
    public CapturedFrame grab() throws IOException {
        if (next >= files.size()) {
            return null;
        }
        Path file = files.get(next++);
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
            throw new IOException("cannot read image " + file);
        }
        return new CapturedFrame(image, System.currentTimeMillis());
    }

    @Override
    public double frameRate() {
        return 0;
    }

    @Override
    public boolean live() {
        return false;
    }

    @Override
    public String describe() {
        return folder.toString();
    }

    @Override
    public void close() {
        files = List.of();
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".bmp");
    }
}
