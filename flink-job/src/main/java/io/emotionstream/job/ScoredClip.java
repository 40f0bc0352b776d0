package io.emotionstream.job;

/** A scored clip: the emotion of a camera's face over one clip, ready to become an EmotionEvent. A Flink POJO. */
public class ScoredClip {
    public String cameraId;
    public long clipStartMillis;
    public long clipEndMillis;
    public long firstSequence;
    public long lastSequence;
    public int framesUsed;
    public int faceX;
    public int faceY;
    public int faceWidth;
    public int faceHeight;
    public String label;
    public float confidence;
    /** Probabilities in the order of labels. */
    public String[] labels;
    public float[] probabilities;
    public String modelName;
    public String modelVersion;
    /** From the capture of the clip's last frame to the end of scoring (wall clock). */
    public long processingLatencyMs;

    public ScoredClip() {}

    @Override
    public String toString() {
        return cameraId + " " + label + " " + confidence + " #" + firstSequence + "-" + lastSequence;
    }
}
