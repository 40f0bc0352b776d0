package io.emotionstream.job;

/** A scored clip: the emotion of one face of a camera over one clip, ready to become an EmotionEvent. A Flink POJO. */
public class ScoredClip {
    public String cameraId;
    /** The face's track within the camera. */
    public int faceTrack;
    /** Faces the camera saw in the last frame in which this one was found. */
    public int facesInView;
    public long clipStartMillis;
    public long clipEndMillis;
    /** The broker's time of the clip's last frame ({@link FaceFrame#recordTimeMillis}); 0 when unknown. */
    public long endRecordTimeMillis;
    public long firstSequence;
    public long lastSequence;
    public int framesUsed;
    /** Frames of the clip the face stage looked at (those the model reads, where they came). */
    public int framesLookedAt;
    public int faceX;
    public int faceY;
    public int faceWidth;
    public int faceHeight;
    public String label;
    public float confidence;
    /** False when confidence is below the model's threshold: the clip's outcome is uncertain. */
    public boolean confident;
    /** Probabilities in the order of labels. */
    public String[] labels;
    public float[] probabilities;
    public String modelName;
    public String modelVersion;
    /** From the capture of the clip's last frame to the end of scoring (wall clock). */
    public long processingLatencyMs;

    public ScoredClip() {}

    /** The key of the face's own steady emotion: its camera and track. */
    String faceKey() {
        return cameraId + "/" + faceTrack;
    }

    @Override
    public String toString() {
        return cameraId + " face " + faceTrack + " " + label + " " + confidence + (confident ? "" : " (uncertain)") + " #" + firstSequence + "-"
                + lastSequence;
    }
}
