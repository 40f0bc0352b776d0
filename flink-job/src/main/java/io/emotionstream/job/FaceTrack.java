package io.emotionstream.job;

/**
 * A camera's face between frames: its last box, and how many frames ago the whole frame was last searched. A Flink
 * POJO, kept per camera in the face stage's state (checkpointed; dropped for a camera silent a while).
 */
public class FaceTrack {
    /** Whether the whole frame has been searched at all for this camera. */
    public boolean searched;
    /** Whether the camera's face was found in its last frame. */
    public boolean active;
    public int x;
    public int y;
    public int width;
    public int height;
    public int framesSinceKeyframe;

    public FaceTrack() {}
}
