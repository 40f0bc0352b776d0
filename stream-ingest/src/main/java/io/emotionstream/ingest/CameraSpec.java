package io.emotionstream.ingest;

import io.emotionstream.schema.CameraIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * One camera to publish, given on the command line as {@code ID=SOURCE}. SOURCE is a webcam ({@code webcam:0} or
 * {@code /dev/video0}), a stream URL ({@code rtsp://...}, {@code http://...}), a video file or a folder of images.
 */
public record CameraSpec(String cameraId, String source, Kind kind) {
    public enum Kind { WEBCAM, STREAM, VIDEO_FILE, IMAGE_FOLDER }

    private static final Pattern URL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://.+");

    /** Parses ID=SOURCE; a source alone takes its file name (without extension) as the id. */
    public static CameraSpec parse(String text) {
        String id;
        String source;
        int eq = text.indexOf('=');
        if (eq > 0 && CameraIds.valid(text.substring(0, eq))) {
            id = text.substring(0, eq);
            source = text.substring(eq + 1);
        } else {
            source = text;
            String name = Path.of(source.replaceAll("[?#].*$", "")).getFileName().toString();
            id = name.replaceAll("\\.[^.]*$", "").replaceAll("[^A-Za-z0-9._-]", "-");
        }
        if (source.isBlank()) {
            throw new IllegalArgumentException("camera '" + text + "' names no source");
        }
        if (!CameraIds.valid(id)) {
            throw new IllegalArgumentException(CameraIds.problem(id));
        }
        if (source.startsWith("webcam:")) {
            String index = source.substring("webcam:".length());
            if (!index.matches("\\d{1,2}")) {
                throw new IllegalArgumentException("webcam source must be webcam:N (N a device number), got " + source);
            }
            return new CameraSpec(id, "/dev/video" + index, Kind.WEBCAM);
        }
        if (source.startsWith("/dev/video")) {
            return new CameraSpec(id, source, Kind.WEBCAM);
        }
        if (URL.matcher(source).matches()) {
            return new CameraSpec(id, source, Kind.STREAM);
        }
        Path path = Path.of(source);
        if (Files.isDirectory(path)) {
            return new CameraSpec(id, source, Kind.IMAGE_FOLDER);
        }
        if (Files.isRegularFile(path)) {
            if (!Files.isReadable(path)) {
                throw new IllegalArgumentException("cannot read video file " + source);
            }
            return new CameraSpec(id, source, Kind.VIDEO_FILE);
        }
        throw new IllegalArgumentException("camera " + id + ": '" + source
                + "' is no file, folder, webcam (webcam:N, /dev/videoN) or stream URL");
    }

    /** A new source for this camera, not yet opened. */
    public FrameSource openSource() {
        switch (kind) {
            case WEBCAM:
                return new FfmpegSource(source, "video4linux2", true);
            case STREAM:
                return new FfmpegSource(source, null, true);
            case VIDEO_FILE:
                return new FfmpegSource(source, null, false);
            case IMAGE_FOLDER:
                return new ImageFolderSource(Path.of(source));
            default:
                throw new AssertionError(kind);
        }
    }
}
