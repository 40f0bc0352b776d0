package io.emotionstream.job;

/**
 * One face a camera follows: its id, which it keeps while it stays in view, and its last box. A Flink POJO, kept in
 * {@link FaceTracks}.
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

    public FaceTrack() {}

    FaceTrack(int id) {
        this.id = id;
    }

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
