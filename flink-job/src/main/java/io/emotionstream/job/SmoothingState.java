package io.emotionstream.job;

/** A camera's smoothing state in keyed state: the steady label, a challenger and recent probabilities. A POJO. */
public class SmoothingState {
    /** The steady label, or null before the first confident clip. */
    public String label;
    /** Another label that won the latest confident clips, and in how many of them in a row. */
    public String candidate;
    public int candidateRun;
    /** Capture time of the last clip's last frame. */
    public long lastClipEnd;
    /** Probabilities of the recent clips, a ring of window x labels values, oldest overwritten first. */
    public float[] recent;
    public int recentCount;
    public int next;

    public SmoothingState() {}
}
