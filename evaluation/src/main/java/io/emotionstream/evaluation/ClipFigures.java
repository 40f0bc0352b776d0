package io.emotionstream.evaluation;

import io.emotionstream.model.ClipOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of a set of labelled video clips (all of them, one video's, one person's): each clip's own label
 * against the truth ({@link ConfusionMatrix}), how far its confidence can be trusted ({@link ConfidenceFigures}), and
 * the steady emotion the job's smoothing showed at that clip against the truth.
 */
public final class ClipFigures {
    private final ConfusionMatrix clips;
    private final ConfidenceFigures confidence = new ConfidenceFigures();
    private final ConfusionMatrix steady;

    public ClipFigures(List<String> labels) {
        this.clips = new ConfusionMatrix(labels);
        this.steady = new ConfusionMatrix(labels);
    }

    /**
     * Adds a labelled clip.
     *
     * @param steadyLabel index of the steady emotion at this clip, or -1 while there is none yet
     */
    public void add(int truth, ClipOutcome outcome, int steadyLabel) {
        clips.add(truth, outcome.labelIndex());
        confidence.add(outcome, outcome.labelIndex() == truth);
        if (steadyLabel >= 0) {
            steady.add(truth, steadyLabel);
        }
    }

    public ConfusionMatrix clips() {
        return clips;
    }

    public ConfidenceFigures confidence() {
        return confidence;
    }

    public ConfusionMatrix steady() {
        return steady;
    }

    /** Clips, accuracy and balanced accuracy, the figures of confidence, and the steady emotion's, for JSON. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>(clips.toMap());
        out.putAll(confidence.toMap());
        out.put("steady", steady.toMap());
        return out;
    }

    /** The header of {@link #formatRow} lines whose names take {@code width} characters. */
    public static String formatHeader(String what, int width) {
        return String.format("%-" + width + "s %5s %8s %8s %9s %10s %8s%n", what, "clips", "right", "balanced",
                "uncertain", "conf.right", "steady");
    }

    /**
     * One line: name (padded to {@code width}), clips, accuracy, balanced accuracy, uncertain share, accuracy of the
     * confident clips, accuracy of the steady emotion.
     */
    public String formatRow(String name, int width) {
        return String.format("%-" + width + "s %5d %8s %8s %9s %10s %8s%n", name, clips.total(), percent(clips.accuracy()),
                percent(clips.balancedAccuracy()), percent(confidence.uncertainShare()),
                percent(confidence.confidentAccuracy()), percent(steady.accuracy()));
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.1f%%", 100 * v);
    }
}
