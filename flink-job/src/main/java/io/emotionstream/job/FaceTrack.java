package io.emotionstream.job;

import io.emotionstream.face.DetectedFace;

/**
 * One face a camera follows: its id, which it keeps while it stays in view, its last box, and what its last detection
 * says to check the frames between detections with. A Flink POJO, kept in {@link FaceTracks}; {@link FaceTracker}
 * makes and moves tracks.
 */
public class FaceTrack {
    /** The track's id within its camera, from 1. */
    public int id;
    public int x;
    public int y;
    public int width;
    public int height;
    /**
     * Frames since the face was last found (those passed over included): 0 when found in the camera's last frame
     * looked at.
     */
    public int missed;
    /** The score of the face's last detection. */
    public float score;
    /**
     * Where the detector's box lay relative to the bounding box of the landmarks at the last detection: its centre's
     * offset and its size, in sizes of the landmarks' box. Gives the box of landmarks fitted without detection.
     */
    public float fromLandmarksX;
    public float fromLandmarksY;
    public float fromLandmarksWidth;
    public float fromLandmarksHeight;
    /** The gray model crop of the face at its last detection, which a crop of fitted landmarks must resemble. */
    public byte[] reference;

    public FaceTrack() {}

    /** The overlap of this track's box with another box: the intersection over the union, 0 to 1. */
    double overlap(int ox, int oy, int owidth, int oheight) {
        long w = Math.min(x + width, ox + owidth) - (long) Math.max(x, ox);
        long h = Math.min(y + height, oy + oheight) - (long) Math.max(y, oy);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double shared = (double) w * h;
        return shared / ((double) width * height + (double) owidth * oheight - shared);
    }

    /** A track (without id yet) at this face's box. */
    static FaceTrack box(DetectedFace face) {
        FaceTrack box = new FaceTrack();
        box.x = face.x();
        box.y = face.y();
        box.width = face.width();
        box.height = face.height();
        return box;
    }

    /** A track at a detected face: its box, and how box and crop relate to its landmarks until its next detection. */
    static FaceTrack atDetection(FaceTracker.TrackedFace found) {
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
        track.reference = CropSimilarity.luma(found.crop());
        return track;
    }

    /** This track moved to its face's fitted box; what it is checked against stays its last detection's. */
    FaceTrack movedTo(DetectedFace face) {
        x = face.x();
        y = face.y();
        width = face.width();
        height = face.height();
        missed = 0;
        return this;
    }

    /** The landmarks' bounding box: left, top, right, bottom. */
    static float[] bounds(float[] landmarks) {
        float[] b = {Float.MAX_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
        for (int i = 0; i + 1 < landmarks.length; i += 2) {
            b[0] = Math.min(b[0], landmarks[i]);
            b[1] = Math.min(b[1], landmarks[i + 1]);
            b[2] = Math.max(b[2], landmarks[i]);
            b[3] = Math.max(b[3], landmarks[i + 1]);
        }
        return b;
    }
}
