package io.emotionstream.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.model.ClipOutcome;
import org.junit.jupiter.api.Test;

class ConfidenceFiguresTest {
    @Test
    void calibrationErrorIsTheWeightedGapBetweenConfidenceAndAccuracyPerBin() {
        ConfidenceFigures figures = new ConfidenceFigures();
        // bin (0.86, 0.93]: four clips at 0.9, three right (0.75): gap 0.15
        for (int i = 0; i < 4; i++) {
            figures.add(outcome(0.9f, true), i < 3);
        }
        // bin (0.53, 0.6]: four clips at 0.55, all right: gap 0.45; the threshold says they are uncertain
        for (int i = 0; i < 4; i++) {
            figures.add(outcome(0.55f, false), true);
        }
        assertEquals(8, figures.total());
        assertEquals(0.5 * 0.15 + 0.5 * 0.45, figures.expectedCalibrationError(), 1e-6);
        assertEquals(0.5, figures.uncertainShare(), 1e-9);
        assertEquals(0.75, figures.confidentAccuracy(), 1e-9);
    }

    @Test
    void perfectlyCalibratedClipsHaveNoError() {
        ConfidenceFigures figures = new ConfidenceFigures();
        for (int i = 0; i < 10; i++) {
            figures.add(outcome(0.7f, true), i < 7);
        }
        assertEquals(0, figures.expectedCalibrationError(), 1e-6);
        assertTrue(Double.isNaN(new ConfidenceFigures().expectedCalibrationError()));
    }

    private static ClipOutcome outcome(float confidence, boolean confident) {
        return new ClipOutcome(0, "neutral", confidence, confident, new float[] {confidence, 1 - confidence});
    }
}
