package io.emotionstream.job;

/**
 * What the job says of one face at one clip: the clip as scored ({@link ScoredClip}, unchanged) and the face's steady
 * emotion over its recent clips ({@link EmotionSmoother}). The event written to Kafka is built from it, once
 * ({@link EmotionEventSerializer}). A Flink POJO.
 */
public class FaceEmotion {
    public ScoredClip clip;
    /** The face's steady emotion; null until a confident clip set one. */
    public String steadyLabel;
    /** The mean probability of the steady label over the clips smoothed over. */
    public float steadyConfidence;
    /** How many recent clips were smoothed over. */
    public int steadyClips;

    public FaceEmotion() {}

    FaceEmotion(ScoredClip clip, String steadyLabel, float steadyConfidence, int steadyClips) {
        this.clip = clip;
        this.steadyLabel = steadyLabel;
        this.steadyConfidence = steadyConfidence;
        this.steadyClips = steadyClips;
    }

    @Override
    public String toString() {
        return clip + (steadyLabel == null ? "" : " steady " + steadyLabel);
    }
}
