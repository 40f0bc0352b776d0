package io.emotionstream.job;

/**
 * One face a camera follows: its id, which it keeps while it stays in view, its last box, and what its last detection
 * says to check the frames between detections with. A Flink POJO, kept in {@link FaceTracks}.
 */
public class FaceTrack {
    /** The track's id within its camera, from 1. */
    public int id;
    public int x;
    public int y;
    public int width;
    public int height;
    /** Frames since the face was last found: 0 when found in the camera's last frame. */
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
}
