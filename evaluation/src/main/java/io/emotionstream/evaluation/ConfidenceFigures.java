package io.emotionstream.evaluation;

import io.emotionstream.model.ClipOutcome;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far a model's confidence can be trusted over a set of scored clips: the expected calibration error (the mean
 * gap between confidence and accuracy over {@value #BINS} equal-width confidence bins, weighted by the share of
 * clips in each; the same figure as {@code models/emotion_models/calibrate.py}), and how many clips fall below the
 * model's confidence threshold ("uncertain") and how often the others are right.
 */
public final class ConfidenceFigures {
    public static final int BINS = 15;

    private final long[] count = new long[BINS];
    private final long[] correct = new long[BINS];
    private final double[] confidenceSum = new double[BINS];
    private long uncertain;
    private long confidentCorrect;

    /** Adds a clip: its outcome and whether the label it was judged by was right. */
    public void add(ClipOutcome outcome, boolean right) {
        // bin i holds confidences in (i / BINS, (i + 1) / BINS]; exactly 0 goes to bin 0
        int bin = Math.min(BINS - 1, Math.max(0, (int) Math.ceil(outcome.confidence() * (double) BINS) - 1));
        count[bin]++;
        confidenceSum[bin] += outcome.confidence();
        if (right) {
            correct[bin]++;
        }
        if (!outcome.confident()) {
            uncertain++;
        } else if (right) {
            confidentCorrect++;
        }
    }

    public long total() {
        long total = 0;
        for (long c : count) {
            total += c;
        }
        return total;
    }

    /** Expected calibration error; NaN without clips. */
    public double expectedCalibrationError() {
        long total = total();
        if (total == 0) {
            return Double.NaN;
        }
        double error = 0;
        for (int i = 0; i < BINS; i++) {
            if (count[i] > 0) {
                error += (double) count[i] / total * Math.abs((double) correct[i] / count[i] - confidenceSum[i] / count[i]);
            }
        }
        return error;
    }

    /** Share of clips below the model's confidence threshold. */
    public double uncertainShare() {
        long total = total();
        return total == 0 ? Double.NaN : (double) uncertain / total;
    }

    /** Accuracy over the clips at or above the threshold; NaN when there are none. */
    public double confidentAccuracy() {
        long confident = total() - uncertain;
        return confident == 0 ? Double.NaN : (double) confidentCorrect / confident;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("expected_calibration_error", nullIfNaN(expectedCalibrationError()));
        out.put("ece_bins", BINS);
        out.put("uncertain", uncertain);
        out.put("uncertain_share", nullIfNaN(uncertainShare()));
        out.put("confident_accuracy", nullIfNaN(confidentAccuracy()));
        return out;
    }

    public String format() {
        return String.format("expected calibration error %.4f  uncertain %d (%.1f%%)  accuracy of the confident %s%n",
                expectedCalibrationError(), uncertain, 100 * uncertainShare(),
                Double.isNaN(confidentAccuracy()) ? "-" : String.format("%.2f%%", 100 * confidentAccuracy()));
    }

    private static Object nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
