package io.emotionstream.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of (true class, predicted class) over a model's labels, and the figures derived from them. Classes that
 * never occur as truth (CK+ has no neutral) are left out of balanced accuracy but still receive predictions.
 */
public final class ConfusionMatrix {
    private final List<String> labels;
    private final long[][] counts;

    public ConfusionMatrix(List<String> labels) {
        this.labels = List.copyOf(labels);
        this.counts = new long[labels.size()][labels.size()];
    }

    public void add(int truth, int predicted) {
        counts[truth][predicted]++;
    }

    public List<String> labels() {
        return labels;
    }

    public long count(int truth, int predicted) {
        return counts[truth][predicted];
    }

    public long total() {
        long total = 0;
        for (long[] row : counts) {
            for (long v : row) {
                total += v;
            }
        }
        return total;
    }

    public long support(int truth) {
        long sum = 0;
        for (long v : counts[truth]) {
            sum += v;
        }
        return sum;
    }

    public long predictedCount(int predicted) {
        long sum = 0;
        for (long[] row : counts) {
            sum += row[predicted];
        }
        return sum;
    }

    public double accuracy() {
        long correct = 0;
        for (int i = 0; i < labels.size(); i++) {
            correct += counts[i][i];
        }
        long total = total();
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** Recall of a class; NaN when the class never occurs as truth. */
    public double recall(int truth) {
        long support = support(truth);
        return support == 0 ? Double.NaN : (double) counts[truth][truth] / support;
    }

    /** Precision of a class; NaN when it is never predicted. */
    public double precision(int predicted) {
        long n = predictedCount(predicted);
        return n == 0 ? Double.NaN : (double) counts[predicted][predicted] / n;
    }

    /** Mean recall over the classes present as truth. */
    public double balancedAccuracy() {
        double sum = 0;
        int present = 0;
        for (int i = 0; i < labels.size(); i++) {
            if (support(i) > 0) {
                sum += recall(i);
                present++;
            }
        }
        return present == 0 ? Double.NaN : sum / present;
    }

    /** The figures as plain maps and lists, ready for JSON. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", total());
        out.put("accuracy", accuracy());
        out.put("balanced_accuracy", balancedAccuracy());
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("support", support(i));
            figures.put("predicted", predictedCount(i));
            figures.put("precision", nullIfNaN(precision(i)));
            figures.put("recall", nullIfNaN(recall(i)));
            perClass.put(labels.get(i), figures);
        }
        out.put("per_class", perClass);
        Map<String, Object> confusion = new LinkedHashMap<>();
        confusion.put("labels", labels);
        confusion.put("rows", "true class");
        confusion.put("columns", "predicted class");
        List<List<Long>> rows = new ArrayList<>();
        for (long[] row : counts) {
            List<Long> values = new ArrayList<>();
            for (long v : row) {
                values.add(v);
            }
            rows.add(values);
        }
        confusion.put("matrix", rows);
        out.put("confusion", confusion);
        return out;
    }

    /** A plain-text report: accuracy, per-class precision and recall, and the matrix. */
    public String format() {
        StringBuilder s = new StringBuilder();
        s.append(String.format("images %d  accuracy %.2f%%  balanced accuracy %.2f%%%n", total(), 100 * accuracy(),
                100 * balancedAccuracy()));
        s.append(String.format("%n%-10s %9s %9s %9s%n", "class", "support", "precision", "recall"));
        for (int i = 0; i < labels.size(); i++) {
            s.append(String.format("%-10s %9d %9s %9s%n", labels.get(i), support(i), percent(precision(i)),
                    percent(recall(i))));
        }
        s.append(String.format("%nconfusion (rows: true class, columns: predicted)%n%-10s", ""));
        for (String label : labels) {
            s.append(String.format(" %9s", label));
        }
        s.append(System.lineSeparator());
        for (int i = 0; i < labels.size(); i++) {
            s.append(String.format("%-10s", labels.get(i)));
            for (int j = 0; j < labels.size(); j++) {
                s.append(String.format(" %9d", counts[i][j]));
            }
            s.append(System.lineSeparator());
        }
        return s.toString();
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.2f%%", 100 * v);
    }

    private static Object nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
