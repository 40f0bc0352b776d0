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
    /** False when confidence is below the model's threshold: the clip's outcome is uncertain. */
    public boolean confident;
    /** Probabilities in the order of labels. */
    public String[] labels;
    public float[] probabilities;
    public String modelName;
    public String modelVersion;
    /** From the capture of the clip's last frame to the end of scoring (wall clock). */
    public long processingLatencyMs;
    /** The camera's steady emotion over its recent clips ({@link EmotionSmoother}); null until one is set. */
    public String smoothedLabel;
    /** The mean probability of smoothedLabel over the clips smoothed over. */
    public float smoothedConfidence;
    /** How many recent clips were smoothed over. */
    public int smoothedClips;

    public ScoredClip() {}

    @Override
    public String toString() {
        return cameraId + " " + label + " " + confidence + (confident ? "" : " (uncertain)") + " #" + firstSequence + "-"
                + lastSequence + (smoothedLabel == null ? "" : " steady " + smoothedLabel);
    }
}
