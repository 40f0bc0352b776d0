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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The face stage's work on one frame, free of Flink: decode the image, find and follow its faces with dlib, cut the
 * model's crop of each (geometry from the model descriptor). {@link FaceCropStage} runs it in the job; the pipeline benchmark times its
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

    /** A face found in a frame, and the track it belongs to. */
    public record TrackedFace(int track, DetectedFace face) {}

    /** Least overlap (intersection over union) of a face with a track's last box for the face to continue it. */
    static final double MIN_OVERLAP = 0.1;

    /**
     * The frame with the crops of its faces, following the camera's faces: each near its last box on most frames, the
     * whole frame searched on keyframes (every {@code keyframeInterval} frames) and at once when a face is not found
     * near its box. Updates the tracks.
     */
    public FaceFrame find(KafkaFrameRecord record, FaceTracks camera) throws RejectedFrame {
        RgbFrame image = decode(record);
        return crop(record, image, locate(image, camera));
    }

    /**
     * The camera's faces in this frame (at most {@code maxFaces}, in track order), each with its track: a face
     * keeps its track while it stays in view, and one missed for less than a keyframe interval keeps it too when
     * it is found again where it was. A camera without a face is searched again on keyframes only, so an empty room
     * costs no more than a watched one.
     */
    public List<TrackedFace> locate(RgbFrame image, FaceTracks camera) {
        boolean due = !camera.searched || camera.framesSinceKeyframe + 1 >= settings.keyframeInterval();
        if (!due) {
            List<TrackedFace> followed = camera.anyInView() ? follow(image, camera) : List.of();
            if (followed != null) {
                camera.framesSinceKeyframe++;
                return followed;
            }
        }
        return search(image, camera);
    }

    /**
     * Each face in view found again near its last box, or null when one is not (or two tracks came onto one face):
     * then the whole frame is searched.
     */
    private List<TrackedFace> follow(RgbFrame image, FaceTracks camera) {
        List<TrackedFace> found = new ArrayList<>();
        for (FaceTrack track : camera.tracks) {
            if (track.missed > 0) {
                continue;
            }
            DetectedFace face = near(image, track);
            if (face == null || taken(found, face)) {
                return null;
            }
            found.add(new TrackedFace(track.id, face));
        }
        return update(camera, found);
    }

    /** The face found near the track's last box that overlaps it most, or null. */
    private DetectedFace near(RgbFrame image, FaceTrack track) {
        DetectedFace best = null;
        double bestOverlap = MIN_OVERLAP;
        for (DetectedFace face : detector.detectNear(image, track.x, track.y, track.width, track.height,
                settings.trackMargin())) {
            double overlap = track.overlap(face.x(), face.y(), face.width(), face.height());
            if (overlap >= bestOverlap) {
                best = face;
                bestOverlap = overlap;
            }
        }
        return best;
    }

    private static boolean taken(List<TrackedFace> found, DetectedFace face) {
        for (TrackedFace other : found) {
            FaceTrack box = box(other.face());
            if (box.overlap(face.x(), face.y(), face.width(), face.height()) > 0.5) {
                return true;
            }
        }
        return false;
    }

    /**
     * The whole frame searched (shrunk first where set, but at full size every {@code fullKeyframeEvery} keyframes
     * from the first, as a shrunk search misses small faces): each face found continues the track whose last box it
     * overlaps most (faces in view first, then those lost lately), the others start new tracks, the largest first,
     * up to {@code maxFaces}. A face in view that the search missed (too small for the shrunk frame) is looked for
     * near its last box before it counts as lost.
     */
    private List<TrackedFace> search(RgbFrame image, FaceTracks camera) {
        boolean shrunk = settings.keyframeShrink() > 1 && settings.upsample() == 0
                && camera.keyframes++ % settings.fullKeyframeEvery() != 0;
        List<DetectedFace> faces = shrunk ? detector.detectShrunk(image, settings.keyframeShrink()) : List.of();
        if (faces.isEmpty()) {
            faces = detector.detect(image); // a small face, or none: the full-size search settles it
        }
        camera.searched = true;
        camera.framesSinceKeyframe = 0;
        List<DetectedFace> open = new ArrayList<>(faces);
        open.sort(Comparator.comparingLong((DetectedFace f) -> (long) f.width() * f.height()).reversed());
        List<TrackedFace> found = new ArrayList<>();
        List<FaceTrack> candidates = new ArrayList<>(List.of(camera.tracks));
        candidates.sort(Comparator.comparingInt(t -> t.missed)); // faces in view first
        for (FaceTrack track : candidates) {
            DetectedFace best = null;
            double bestOverlap = MIN_OVERLAP;
            for (DetectedFace face : open) {
                double overlap = track.overlap(face.x(), face.y(), face.width(), face.height());
                if (overlap >= bestOverlap) {
                    best = face;
                    bestOverlap = overlap;
                }
            }
            if (best != null && found.size() < settings.maxFaces()) {
                open.remove(best);
                found.add(new TrackedFace(track.id, best));
            } else if (best == null && track.missed == 0 && found.size() < settings.maxFaces()) {
                DetectedFace face = near(image, track);
                if (face != null && !taken(found, face)) {
                    found.add(new TrackedFace(track.id, face));
                }
            }
        }
        for (DetectedFace face : open) {
            if (found.size() < settings.maxFaces()) {
                found.add(new TrackedFace(camera.nextId++, face));
            }
        }
        return update(camera, found);
    }

    /**
     * Moves the tracks to the faces found, starts the new ones, ages those not found (forgotten after a keyframe
     * interval); the faces in track order.
     */
    private List<TrackedFace> update(FaceTracks camera, List<TrackedFace> found) {
        List<FaceTrack> tracks = new ArrayList<>();
        for (FaceTrack track : camera.tracks) {
            if (found.stream().noneMatch(f -> f.track() == track.id) && ++track.missed <= settings.keyframeInterval()) {
                tracks.add(track);
            }
        }
        for (TrackedFace f : found) {
            FaceTrack track = box(f.face());
            track.id = f.track();
            tracks.add(track);
        }
        tracks.sort(Comparator.comparingInt(t -> t.id));
        camera.tracks = tracks.toArray(new FaceTrack[0]);
        List<TrackedFace> ordered = new ArrayList<>(found);
        ordered.sort(Comparator.comparingInt(TrackedFace::track));
        return ordered;
    }

    private static FaceTrack box(DetectedFace face) {
        FaceTrack box = new FaceTrack();
        box.x = face.x();
        box.y = face.y();
        box.width = face.width();
        box.height = face.height();
        return box;
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

    /** The frame carrying the model's aligned crop of each face found in it. */
    public FaceFrame crop(KafkaFrameRecord record, RgbFrame image, List<TrackedFace> faces) {
        FaceFrame.Face[] crops = new FaceFrame.Face[faces.size()];
        for (int i = 0; i < crops.length; i++) {
            DetectedFace face = faces.get(i).face();
            RgbFrame crop = cropper.crop(image, face);
            FaceFrame.Face out = new FaceFrame.Face(faces.get(i).track(), crop.width(), crop.height(), crop.pixels());
            out.score = face.score();
            out.x = face.x();
            out.y = face.y();
            out.width = face.width();
            out.height = face.height();
            crops[i] = out;
        }
        return withSource(FaceFrame.withFaces(record.cameraId, record.sequence, record.captureTimeMillis, crops), record);
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
