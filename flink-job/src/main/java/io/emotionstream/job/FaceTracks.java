package io.emotionstream.job;

/**
 * The faces a camera follows between frames, and how many frames ago its whole frame was last searched. A Flink POJO,
 * kept per camera in the face stage's state (checkpointed; dropped for a camera silent a while); its fields are public
 * for Flink's serializer, and only {@link FaceTracker} changes them.
 */
public class FaceTracks {
    /** Whether the whole frame has been searched at all for this camera. */
    public boolean searched;
    /** Frames of the camera since its last whole-frame search, those passed over included. */
    public int framesSinceKeyframe;
    /** The sequence number of the camera's last frame looked at; -1 before one. */
    public long lastSequence = -1;
    /** Keyframes searched so far (every few are searched at full size). */
    public int keyframes;
    /** The id the next new face gets. */
    public int nextId = 1;
    /**
     * The faces followed: those found in the last frame looked at ({@code missed == 0}), and those lost lately,
     * remembered for a keyframe interval's frames so that a face missed for a moment keeps its id when it is found
     * again.
     */
    public FaceTrack[] tracks = new FaceTrack[0];

    public FaceTracks() {}

    /** Whether a face was found in the camera's last frame. */
    boolean anyInView() {
        for (FaceTrack t : tracks) {
            if (t.missed == 0) {
                return true;
            }
        }
        return false;
    }
}
