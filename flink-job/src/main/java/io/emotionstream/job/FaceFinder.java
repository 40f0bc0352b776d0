package io.emotionstream.job;

import io.emotionstream.face.DetectedFace;
import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.face.FaceCropper;
import io.emotionstream.face.JpegDecoder;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.RgbFrame;
import io.emotionstream.schema.DeadLetterReason;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The face stage's work on one frame, free of Flink: decode the image, find the face with dlib, cut the model's crop
 * (geometry from the model descriptor). {@link FaceCropStage} runs it in the job; the pipeline benchmark times its
 * steps. Holds a native dlib detector: one per thread, closed after use.
 */
public final class FaceFinder implements AutoCloseable {
    /** A frame that cannot go on, with the dead-letter reason. */
    public static final class RejectedFrame extends Exception {
        private final DeadLetterReason reason;

        RejectedFrame(DeadLetterReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }

        public DeadLetterReason reason() {
            return reason;
        }
    }

    private final DlibFaceDetector detector;
    private final FaceCropper cropper;
    private final FaceStageSettings settings;
    private byte[] pixels = new byte[0];

    public FaceFinder(ModelDescriptor model, FaceStageSettings settings) {
        this.settings = settings;
        this.cropper = new FaceCropper(model.crop());
        this.detector = new DlibFaceDetector(new DlibFaceDetector.Options(Path.of(settings.landmarkModel()),
                settings.upsample(), settings.minFaceScore()));
    }

    /**
     * The frame with its face crop, following the camera's face: near its last box on most frames, the whole frame
     * searched on keyframes (every {@code keyframeInterval} frames) and at once when the face is not found near its
     * box.
     * Updates the track.
     */
    public FaceFrame find(KafkaFrameRecord record, FaceTrack track) throws RejectedFrame {
        RgbFrame image = decode(record);
        DetectedFace face = locate(image, track);
        return face == null ? withoutFace(record) : crop(record, image, face);
    }

    /**
     * The camera's face in this frame, or null; see {@link #find(KafkaFrameRecord, FaceTrack)}. A camera without a
     * face is searched again on keyframes only, so an empty room costs no more than a watched one.
     */
    public DetectedFace locate(RgbFrame image, FaceTrack track) {
        boolean due = !track.searched || track.framesSinceKeyframe + 1 >= settings.keyframeInterval();
        if (!track.active && !due) {
            track.framesSinceKeyframe++;
            return null;
        }
        if (track.active && !due) {
            List<DetectedFace> near = detector.detectNear(image, track.x, track.y, track.width, track.height,
                    settings.trackMargin());
            if (!near.isEmpty()) {
                follow(track, near.get(0), track.framesSinceKeyframe + 1);
                return near.get(0);
            }
        }
        List<DetectedFace> faces = settings.keyframeShrink() > 1 && settings.upsample() == 0
                ? detector.detectShrunk(image, settings.keyframeShrink()) : List.of();
        if (faces.isEmpty()) {
            faces = detector.detect(image); // a small face, or none: the full-size search settles it
        }
        track.searched = true;
        if (faces.isEmpty()) {
            track.active = false;
            track.framesSinceKeyframe = 0;
            return null;
        }
        follow(track, faces.get(0), 0);
        return faces.get(0);
    }

    private static void follow(FaceTrack track, DetectedFace face, int framesSinceKeyframe) {
        track.active = true;
        track.x = face.x();
        track.y = face.y();
        track.width = face.width();
        track.height = face.height();
        track.framesSinceKeyframe = framesSinceKeyframe;
    }

    /**
     * Decodes the frame's image, after checking from its header alone that it has the size the record declares (which
     * the deserializer bounded), so an image whose header claims a huge size costs nothing. A record the deserializer
     * marked unusable is rejected with its own reason. The image is recognised by its content, whatever encoding
     * the record names (PNG data labelled JPEG is read as PNG); JPEGs are decoded by libjpeg-turbo ({@link
     * JpegDecoder}) where it is installed, other formats (and JPEGs without it) by ImageIO. CMYK images (print
     * JPEGs) are refused, as their colours would come out wrong.
     */
    public RgbFrame decode(KafkaFrameRecord record) throws RejectedFrame {
        if (!record.usable()) {
            throw new RejectedFrame(record.problem, record.problemDetail);
        }
        if (JpegDecoder.available() && JpegDecoder.isJpeg(record.data)) {
            return decodeJpeg(record);
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(record.data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in, true, true);
                    int width = reader.getWidth(0);
                    int height = reader.getHeight(0);
                    if (width != record.width || height != record.height) {
                        throw new RejectedFrame(DeadLetterReason.INVALID_FRAME, "image is " + width + "x" + height
                                + " but the record says " + record.width + "x" + record.height);
                    }
                    BufferedImage image = reader.read(0);
                    if (image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
                        throw new RejectedFrame(DeadLetterReason.UNDECODABLE_IMAGE, "frame " + record.sequence
                                + " is a CMYK image, whose colours Java's decoder does not convert; send RGB");
                    }
                    return RgbFrame.of(image);
                } finally {
                    reader.dispose();
                }
            }
        } catch (IOException | RuntimeException e) {
            // undecodable: rejected below
        }
        throw new RejectedFrame(DeadLetterReason.UNDECODABLE_IMAGE,
                record.encoding + " data of frame " + record.sequence + " cannot be decoded");
    }

    /**
     * A JPEG, by libjpeg-turbo: its header checked first, then decoded straight to RGB into this finder's pixel buffer
     * (valid until the next frame is decoded).
     */
    private RgbFrame decodeJpeg(KafkaFrameRecord record) throws RejectedFrame {
        JpegDecoder.Header header;
        try {
            header = JpegDecoder.header(record.data);
        } catch (IllegalArgumentException e) {
            throw new RejectedFrame(DeadLetterReason.UNDECODABLE_IMAGE, "JPEG data of frame " + record.sequence
                    + " cannot be decoded: " + e.getMessage());
        }
        if (header.width() != record.width || header.height() != record.height) {
            throw new RejectedFrame(DeadLetterReason.INVALID_FRAME, "image is " + header.width() + "x"
                    + header.height() + " but the record says " + record.width + "x" + record.height);
        }
        if (header.components() == 4) {
            throw new RejectedFrame(DeadLetterReason.UNDECODABLE_IMAGE, "frame " + record.sequence
                    + " is a CMYK JPEG, whose colours the job does not convert; send RGB");
        }
        try {
            int size = record.width * record.height * 3;
            if (pixels.length != size) {
                pixels = new byte[size];
            }
            return JpegDecoder.decode(record.data, record.width, record.height, pixels);
        } catch (IllegalArgumentException e) {
            throw new RejectedFrame(DeadLetterReason.UNDECODABLE_IMAGE, "JPEG data of frame " + record.sequence
                    + " cannot be decoded: " + e.getMessage());
        }
    }

    /** The frame carrying the model's aligned crop of the face. */
    public FaceFrame crop(KafkaFrameRecord record, RgbFrame image, DetectedFace face) {
        RgbFrame crop = cropper.crop(image, face);
        FaceFrame result = FaceFrame.withFace(record.cameraId, record.sequence, record.captureTimeMillis, crop.width(),
                crop.height(), crop.pixels());
        result.faceScore = face.score();
        result.faceX = face.x();
        result.faceY = face.y();
        result.faceWidth = face.width();
        result.faceHeight = face.height();
        return withSource(result, record);
    }

    public FaceFrame withoutFace(KafkaFrameRecord record) {
        return withSource(FaceFrame.withoutFace(record.cameraId, record.sequence, record.captureTimeMillis), record);
    }

    private static FaceFrame withSource(FaceFrame frame, KafkaFrameRecord record) {
        frame.sourcePartition = record.partition;
        frame.sourceOffset = record.offset;
        return frame;
    }

    @Override
    public void close() {
        detector.close();
    }
}
