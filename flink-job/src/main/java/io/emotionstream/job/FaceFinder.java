package io.emotionstream.job;

import io.emotionstream.face.DetectedFace;
import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.face.FaceCropper;
import io.emotionstream.face.JpegDecoder;
import io.emotionstream.model.GrayFrame;
import io.emotionstream.model.ImageFrame;
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
 * model's crop of each (geometry from the model descriptor). {@link FaceCropStage} runs it in the job; the pipeline
 * benchmark times its steps. Holds a native dlib detector: one per thread, closed after use.
 *
 * <p>Where the model reads only the crop's luma ({@link ModelDescriptor#readsLumaOnly()}), as the default model
 * does, frames are decoded to gray (a JPEG's own Y channel, its colour left undecoded) and the crops are gray: dlib
 * works on gray anyway, and the crop costs a third.
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
    private final boolean gray;
    private byte[] pixels = new byte[0];

    public FaceFinder(ModelDescriptor model, FaceStageSettings settings) {
        this.settings = settings;
        this.gray = model.readsLumaOnly();
        this.cropper = new FaceCropper(model.crop());
        this.detector = new DlibFaceDetector(new DlibFaceDetector.Options(Path.of(settings.landmarkModel()),
                settings.upsample(), settings.minFaceScore()));
    }

    /**
     * A face in a frame: its track, where it is (detected, or landmarks fitted on its box predicted from the last
     * frame: {@code detected} false) and its model crop.
     */
    public record TrackedFace(int track, DetectedFace face, ImageFrame crop, boolean detected) {}

    /** Least overlap (intersection over union) of a face with a track's last box for the face to continue it. */
    static final double MIN_OVERLAP = 0.1;

    private long fitted;
    private long searchedNear;
    private long keyframes;

    /**
     * The frame with the crops of its faces, following the camera's faces: between keyframes each face's landmarks
     * are fitted on its box from the last frame and checked against its last detection (searched for near its box
     * when they fail), the whole frame searched on keyframes (every {@code keyframeInterval} frames) and at once when
     * a face is lost. Updates the tracks.
     */
    public FaceFrame find(KafkaFrameRecord record, FaceTracks camera) throws RejectedFrame {
        ImageFrame image = decode(record);
        return crop(record, locate(image, camera));
    }

    /**
     * The camera's faces in this frame with their crops (at most {@code maxFaces}, in track order), each with its
     * track: a face keeps its track while it stays in view, and one missed for less than a keyframe interval keeps
     * it too when it is found again where it was. A camera without a face is searched again on keyframes only, so an
     * empty room costs no more than a watched one.
     */
    public List<TrackedFace> locate(ImageFrame image, FaceTracks camera) {
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

    /** Faces whose landmarks were fitted on their predicted box and kept, so far. */
    public long fittedFaces() {
        return fitted;
    }

    /** Detections near a face's last box (its fitted landmarks failed the check, or a keyframe missed it), so far. */
    public long nearSearches() {
        return searchedNear;
    }

    /** Whole-frame searches so far. */
    public long keyframes() {
        return keyframes;
    }

    /**
     * Each face in view followed into this frame: its landmarks fitted on its predicted box when its crop then
     * resembles its last detection's, else found near its box by detection. Null when one is not found (or two tracks
     * came onto one face): then the whole frame is searched.
     */
    private List<TrackedFace> follow(ImageFrame image, FaceTracks camera) {
        List<TrackedFace> found = new ArrayList<>();
        for (FaceTrack track : camera.tracks) {
            if (track.missed > 0) {
                continue;
            }
            TrackedFace face = followed(image, track);
            if (face == null || taken(found, face.face())) {
                return null;
            }
            found.add(face);
        }
        return update(camera, found);
    }

    /** The track's face in this frame, fitted or found near its box; null when neither. */
    private TrackedFace followed(ImageFrame image, FaceTrack track) {
        TrackedFace face = fit(image, track);
        if (face != null) {
            return face;
        }
        DetectedFace near = near(image, track);
        return near == null ? null : detected(image, track.id, near);
    }

    /**
     * The track's face with landmarks fitted on its box from the last frame (no detection: a fraction of the cost),
     * or null when its crop does not correlate with the crop of its last detection at least {@code minSimilarity}.
     */
    private TrackedFace fit(ImageFrame image, FaceTrack track) {
        if (track.reference == null || settings.minSimilarity() >= 1 || shareInside(track, image) < 0.5) {
            return null; // nothing to check against, or the face's box has left the frame half or more
        }
        float[] landmarks = detector.fit(image, track.x, track.y, track.width, track.height);
        float[] bounds = bounds(landmarks);
        float width = bounds[2] - bounds[0];
        float height = bounds[3] - bounds[1];
        float boxWidth = track.fromLandmarksWidth * width;
        float boxHeight = track.fromLandmarksHeight * height;
        float centreX = (bounds[0] + bounds[2]) / 2 + track.fromLandmarksX * width;
        float centreY = (bounds[1] + bounds[3]) / 2 + track.fromLandmarksY * height;
        if (!(boxWidth >= 8 && boxHeight >= 8)) {
            return null;
        }
        DetectedFace face = new DetectedFace(track.score, Math.round(centreX - boxWidth / 2),
                Math.round(centreY - boxHeight / 2), Math.round(boxWidth), Math.round(boxHeight), landmarks);
        ImageFrame crop;
        try {
            crop = cropper.crop(image, face);
        } catch (IllegalArgumentException collapsed) {
            return null; // the eyes fell on one point: not a face
        }
        if (similarity(luma(crop), track.reference) < settings.minSimilarity()) {
            return null;
        }
        fitted++;
        return new TrackedFace(track.id, face, crop, false);
    }

    /** The share of the track's box that lies inside the frame. */
    private static double shareInside(FaceTrack track, ImageFrame image) {
        long w = Math.min(track.x + track.width, image.width()) - (long) Math.max(track.x, 0);
        long h = Math.min(track.y + track.height, image.height()) - (long) Math.max(track.y, 0);
        return w <= 0 || h <= 0 ? 0 : (double) w * h / ((double) track.width * track.height);
    }

    /** The face found by detection near the track's last box that overlaps it most, or null. */
    private DetectedFace near(ImageFrame image, FaceTrack track) {
        searchedNear++;
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

    private TrackedFace detected(ImageFrame image, int track, DetectedFace face) {
        return new TrackedFace(track, face, cropper.crop(image, face), true);
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
     * up to {@code maxFaces}. A face in view that the search missed (too small for the shrunk frame) is followed as
     * between keyframes before it counts as lost.
     */
    private List<TrackedFace> search(ImageFrame image, FaceTracks camera) {
        keyframes++;
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
            if (found.size() >= settings.maxFaces()) {
                break;
            }
            DetectedFace best = null;
            double bestOverlap = MIN_OVERLAP;
            for (DetectedFace face : open) {
                double overlap = track.overlap(face.x(), face.y(), face.width(), face.height());
                if (overlap >= bestOverlap) {
                    best = face;
                    bestOverlap = overlap;
                }
            }
            if (best != null) {
                open.remove(best);
                found.add(detected(image, track.id, best));
            } else if (track.missed == 0) {
                TrackedFace face = followed(image, track);
                if (face != null && !taken(found, face.face())) {
                    found.add(face);
                }
            }
        }
        for (DetectedFace face : open) {
            if (found.size() < settings.maxFaces()) {
                found.add(detected(image, camera.nextId++, face));
            }
        }
        return update(camera, found);
    }

    /**
     * Moves the tracks to the faces found (a detected face also renews what the frames until its next detection are
     * checked against), starts the new ones, ages those not found (forgotten after a keyframe interval); the faces in
     * track order.
     */
    private List<TrackedFace> update(FaceTracks camera, List<TrackedFace> found) {
        List<FaceTrack> tracks = new ArrayList<>();
        for (FaceTrack track : camera.tracks) {
            TrackedFace face = found.stream().filter(f -> f.track() == track.id).findFirst().orElse(null);
            if (face != null) {
                tracks.add(face.detected() ? detection(face) : moved(track, face.face()));
            } else if (++track.missed <= settings.keyframeInterval()) {
                tracks.add(track);
            }
        }
        for (TrackedFace face : found) {
            if (tracks.stream().noneMatch(t -> t.id == face.track())) {
                tracks.add(detection(face));
            }
        }
        tracks.sort(Comparator.comparingInt(t -> t.id));
        camera.tracks = tracks.toArray(new FaceTrack[0]);
        List<TrackedFace> ordered = new ArrayList<>(found);
        ordered.sort(Comparator.comparingInt(TrackedFace::track));
        return ordered;
    }

    /** A track at a detected face: its box, and how box and crop relate to its landmarks until its next detection. */
    private static FaceTrack detection(TrackedFace found) {
        DetectedFace face = found.face();
        FaceTrack track = box(face);
        track.id = found.track();
        track.score = face.score();
        float[] bounds = bounds(face.landmarks());
        float width = Math.max(1, bounds[2] - bounds[0]);
        float height = Math.max(1, bounds[3] - bounds[1]);
        track.fromLandmarksX = (face.x() + face.width() / 2f - (bounds[0] + bounds[2]) / 2) / width;
        track.fromLandmarksY = (face.y() + face.height() / 2f - (bounds[1] + bounds[3]) / 2) / height;
        track.fromLandmarksWidth = face.width() / width;
        track.fromLandmarksHeight = face.height() / height;
        track.reference = luma(found.crop());
        return track;
    }

    /** The track moved to its face's fitted box; what it is checked against stays its last detection's. */
    private static FaceTrack moved(FaceTrack track, DetectedFace face) {
        track.x = face.x();
        track.y = face.y();
        track.width = face.width();
        track.height = face.height();
        track.missed = 0;
        return track;
    }

    private static FaceTrack box(DetectedFace face) {
        FaceTrack box = new FaceTrack();
        box.x = face.x();
        box.y = face.y();
        box.width = face.width();
        box.height = face.height();
        return box;
    }

    /** The landmarks' bounding box: left, top, right, bottom. */
    private static float[] bounds(float[] landmarks) {
        float[] b = {Float.MAX_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
        for (int i = 0; i + 1 < landmarks.length; i += 2) {
            b[0] = Math.min(b[0], landmarks[i]);
            b[1] = Math.min(b[1], landmarks[i + 1]);
            b[2] = Math.max(b[2], landmarks[i]);
            b[3] = Math.max(b[3], landmarks[i + 1]);
        }
        return b;
    }

    /** The 8-bit luma of a crop (Rec. 601 weights for an RGB one), for the tracker's similarity check. */
    static byte[] luma(ImageFrame crop) {
        return crop instanceof RgbFrame rgb ? GrayFrame.lumaOf(rgb).pixels() : crop.pixels();
    }

    /** Pearson's correlation of two gray images of one size, -1..1 (0 when either is flat, -1 for other sizes). */
    static double similarity(byte[] a, byte[] b) {
        if (a.length != b.length || a.length == 0) {
            return -1;
        }
        double sumA = 0;
        double sumB = 0;
        for (int i = 0; i < a.length; i++) {
            sumA += a[i] & 0xff;
            sumB += b[i] & 0xff;
        }
        double meanA = sumA / a.length;
        double meanB = sumB / b.length;
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = (a[i] & 0xff) - meanA;
            double y = (b[i] & 0xff) - meanB;
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
    }

    /**
     * Decodes the frame's image, after checking from its header alone that it has the size the record declares (which
     * the deserializer bounded), so an image whose header claims a huge size costs nothing. A record the deserializer
     * marked unusable is rejected with its own reason. The image is recognised by its content, whatever encoding
     * the record names (PNG data labelled JPEG is read as PNG); JPEGs are decoded by libjpeg-turbo ({@link
     * JpegDecoder}) where it is installed, other formats (and JPEGs without it) by ImageIO. CMYK images (print
     * JPEGs) are refused, as their colours would come out wrong. The image is gray where the model reads only luma,
     * else RGB.
     */
    public ImageFrame decode(KafkaFrameRecord record) throws RejectedFrame {
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
                    RgbFrame rgb = RgbFrame.of(image);
                    return gray ? GrayFrame.lumaOf(rgb) : rgb;
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
     * A JPEG, by libjpeg-turbo: its header checked first, then decoded straight to RGB or gray into this finder's pixel
     * buffer (valid until the next frame is decoded).
     */
    private ImageFrame decodeJpeg(KafkaFrameRecord record) throws RejectedFrame {
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
            int size = record.width * record.height * (gray ? 1 : 3);
            if (pixels.length != size) {
                pixels = new byte[size];
            }
            return gray ? JpegDecoder.decodeGray(record.data, record.width, record.height, pixels)
                    : JpegDecoder.decode(record.data, record.width, record.height, pixels);
        } catch (IllegalArgumentException e) {
            throw new RejectedFrame(DeadLetterReason.UNDECODABLE_IMAGE, "JPEG data of frame " + record.sequence
                    + " cannot be decoded: " + e.getMessage());
        }
    }

    /** The frame carrying the model's aligned crop of each face found in it. */
    public FaceFrame crop(KafkaFrameRecord record, List<TrackedFace> faces) {
        FaceFrame.Face[] crops = new FaceFrame.Face[faces.size()];
        for (int i = 0; i < crops.length; i++) {
            DetectedFace face = faces.get(i).face();
            ImageFrame crop = faces.get(i).crop();
            FaceFrame.Face out = new FaceFrame.Face(faces.get(i).track(), crop.width(), crop.height(), crop.channels(),
                    crop.pixels());
            out.score = face.score();
            out.x = face.x();
            out.y = face.y();
            out.width = face.width();
            out.height = face.height();
            crops[i] = out;
        }
        FaceFrame frame = FaceFrame.withFaces(record.cameraId, record.sequence, record.captureTimeMillis, crops);
        return withSource(frame, record);
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
