package io.emotionstream.evaluation;

import io.emotionstream.model.ClipOutcome;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.OnnxClipClassifier;
import io.emotionstream.image.RgbFrame;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Scores labelled stills the way a still face reaches the model: each image, resized to the model's crop size,
 * fills every frame of a clip (a face holding still), and the clip is classified.
 */
public final class StillClipEvaluation {
    /** Called after each batch with the images done so far and the total. */
    public interface Progress {
        void update(int done, int total);
    }

    /** The figures of an evaluation: labels (confusion) and confidence (calibration, uncertain clips). */
    public record Result(ConfusionMatrix confusion, ConfidenceFigures confidence) {}

    private StillClipEvaluation() {}

    /**
     * @param onlyPresentClasses predict among the classes present in the folder only (the 4-class CK+ task), instead
     *     of among all the model's labels (the confidence figures always judge the model's own best label)
     */
    public static Result run(OnnxClipClassifier classifier, LabelledStills stills, boolean onlyPresentClasses,
                             Progress progress) {
        ModelDescriptor model = classifier.model();
        ConfusionMatrix confusion = new ConfusionMatrix(model.labels());
        ConfidenceFigures confidence = new ConfidenceFigures();
        int[] allowed = onlyPresentClasses ? stills.presentLabels() : null;
        List<LabelledStills.Item> items = stills.items();
        int batch = classifier.maxBatch();
        for (int start = 0; start < items.size(); start += batch) {
            List<LabelledStills.Item> chunk = items.subList(start, Math.min(items.size(), start + batch));
            List<List<RgbFrame>> clips = new ArrayList<>(chunk.size());
            for (LabelledStills.Item item : chunk) {
                RgbFrame frame = read(item).resize(model.width(), model.height());
                clips.add(Collections.nCopies(model.clipLength(), frame));
            }
            List<ClipOutcome> outcomes = classifier.score(clips);
            for (int i = 0; i < chunk.size(); i++) {
                ClipOutcome outcome = outcomes.get(i);
                int truth = chunk.get(i).label();
                confusion.add(truth, allowed == null ? outcome.labelIndex() : predict(outcome.probabilities(), allowed));
                confidence.add(outcome, outcome.labelIndex() == truth);
            }
            progress.update(start + chunk.size(), items.size());
        }
        return new Result(confusion, confidence);
    }

    /** The most probable of the allowed labels. */
    static int predict(float[] probabilities, int[] allowed) {
        int best = allowed[0];
        for (int label : allowed) {
            if (probabilities[label] > probabilities[best]) {
                best = label;
            }
        }
        return best;
    }

    private static RgbFrame read(LabelledStills.Item item) {
        BufferedImage image;
        try {
            image = ImageIO.read(item.file().toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read image " + item.file() + ": " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IllegalArgumentException("cannot read image " + item.file() + ": not a supported image format");
        }
        return RgbFrame.of(image);
    }
}
