package io.emotionstream.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {
    @Test
    void figuresFromKnownCounts() {
        ConfusionMatrix m = new ConfusionMatrix(List.of("neutral", "happy", "sad"));
        // no neutral truth (as CK+); happy: 3 right, 1 called sad; sad: 1 right, 1 called neutral
        m.add(1, 1);
        m.add(1, 1);
        m.add(1, 1);
        m.add(1, 2);
        m.add(2, 2);
        m.add(2, 0);
        assertEquals(6, m.total());
        assertEquals(4.0 / 6, m.accuracy(), 1e-12);
        assertEquals((0.75 + 0.5) / 2, m.balancedAccuracy(), 1e-12, "mean recall over classes present");
        assertTrue(Double.isNaN(m.recall(0)));
        assertEquals(0.0, m.precision(0), 1e-12);
        assertEquals(0.5, m.precision(2), 1e-12);
        Map<String, Object> map = m.toMap();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> perClass = (Map<String, Map<String, Object>>) map.get("per_class");
        assertNull(perClass.get("neutral").get("recall"));
        assertEquals(4L, perClass.get("happy").get("support"));
        assertTrue(m.format().contains("accuracy 66.67%"), m.format());
    }

    @Test
    void predictionAmongPresentClassesIgnoresAbsentOnes() {
        float[] p = {0.6f, 0.3f, 0.1f};
        assertEquals(0, StillClipEvaluation.predict(p, new int[] {0, 1, 2}));
        assertEquals(1, StillClipEvaluation.predict(p, new int[] {1, 2}));
    }
}
