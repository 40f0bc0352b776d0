package io.emotionstream.job;

import io.emotionstream.face.DetectedFace;
import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.face.FaceCropper;
import io.emotionstream.image.ImageFrame;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds and follows the faces of one camera's frames, free of Flink: the whole frame is searched with dlib on
 * keyframes (every {@code keyframeInterval} frames, and at once when a face is lost); between keyframes each face's
 * landmarks are fitted on its box from the last frame and checked against its last detection (searched for near its
 * box when they fail). Each face keeps its track id while it stays in view. The camera's tracks are {@link FaceTracks}
 * (the face stage's keyed state), which only this class changes. Cuts the model's crop of each face it finds. Uses a
 * native dlib detector that its owner closes: one per thread.
 */
public final class FaceTracker {
    /**
     * A face in a frame: its track, where it is (detected, or landmarks fitted on its box predicted from the last
     * frame: {@code detected} false) and its model crop.
     */
    public record TrackedFace(int track, DetectedFace face, ImageFrame crop, boolean detected) {}

    /** Least overlap (intersection over union) of a face with a track's last box for the face to continue it. */
    static final double MIN_OVERLAP = 0.1;

    private final DlibFaceDetector detector;
    private final FaceCropper cropper;
    private final FaceStageSettings settings;
    private long fitted;
    private long searchedNear;
    private long keyframes;
    /** Frames since the camera's last frame looked at, for the frame being located. */
    private int advance = 1;

    public FaceTracker(DlibFaceDetector detector, FaceCropper cropper, FaceStageSettings settings) {
        this.detector = detector;
        this.cropper = cropper;
        this.settings = settings;
    }

    /**
     * The camera's faces in this frame with their crops (at most {@code maxFaces}, in track order), each with its
     * track: a face keeps its track while it stays in view, and one missed for less than a keyframe interval keeps
     * it too when it is found again where it was. A camera without a face is searched again on keyframes only, so an
     * empty room costs no more than a watched one.
     */
    public List<TrackedFace> locate(ImageFrame image, FaceTracks camera) {
        return locate(image, camera, 1);
    }

    /**
     * As {@link #locate(ImageFrame, FaceTracks)} for the frame of this sequence number, where the frames since the
     * camera's last one looked at may have been passed over: they count towards the keyframe interval.
     */
    public List<TrackedFace> locate(ImageFrame image, FaceTracks camera, long sequence) {
        long since = sequence - camera.lastSequence;
        int advance = camera.lastSequence < 0 || since <= 0 ? 1 : (int) Math.min(since, settings.keyframeInterval());
        camera.lastSequence = sequence;
        return locate(image, camera, advance);
    }

    private List<TrackedFace> locate(ImageFrame image, FaceTracks camera, int advance) {
        this.advance = advance;
        boolean due = !camera.searched || camera.framesSinceKeyframe + advance >= settings.keyframeInterval();
        if (!due) {
            List<TrackedFace> followed = camera.anyInView() ? follow(image, camera) : List.of();
            if (followed != null) {
                camera.framesSinceKeyframe += advance;
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
        float[] bounds = FaceTrack.bounds(landmarks);
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
        if (CropSimilarity.of(CropSimilarity.luma(crop), track.reference) < settings.minSimilarity()) {
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
            FaceTrack box = FaceTrack.box(other.face());
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
                tracks.add(face.detected() ? FaceTrack.atDetection(face) : track.movedTo(face.face()));
            } else if ((track.missed += advance) <= settings.keyframeInterval()) {
                tracks.add(track);
            }
        }
        for (TrackedFace face : found) {
            if (tracks.stream().noneMatch(t -> t.id == face.track())) {
                tracks.add(FaceTrack.atDetection(face));
            }
        }
        tracks.sort(Comparator.comparingInt(t -> t.id));
        camera.tracks = tracks.toArray(new FaceTrack[0]);
        List<TrackedFace> ordered = new ArrayList<>(found);
        ordered.sort(Comparator.comparingInt(TrackedFace::track));
        return ordered;
    }
}
