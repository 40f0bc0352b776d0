package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * EmotionSmoother in Flink's keyed operator test harness, with the default settings (window 5, switch after 2):
 * the steady emotion reacts to a real change within 2 clips, ignores a single odd clip and uncertain clips, keeps
 * cameras apart, starts afresh after a pause, and survives a restore from a snapshot.
 */
class EmotionSmootherTest {
    private static final String[] LABELS = {"neutral", "happy", "sad", "angry", "surprised"};
    private static final long CLIP_MS = 1_200;
    private KeyedOneInputStreamOperatorTestHarness<String, ScoredClip, FaceEmotion> harness;
    private final List<Long> clipCounters = new ArrayList<>();

    private KeyedOneInputStreamOperatorTestHarness<String, ScoredClip, FaceEmotion> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EmotionSmoother(SmoothingSettings.defaults())), c -> c.cameraId,
                Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void reactsToAChangeWithinTwoClipsAndIgnoresASingleOddClip() throws Exception {
        harness = harness();
        harness.open();
        List<String> steady = new ArrayList<>();
        for (String label : List.of("neutral", "neutral", "sad", "neutral", "neutral", "happy", "happy", "happy")) {
            steady.add(send("desk", label, 0.8f, true).steadyLabel);
        }
        assertEquals(List.of("neutral", "neutral", "neutral", "neutral", "neutral", "neutral", "happy", "happy"), steady,
                "the odd sad clip changes nothing; happy takes over at its second clip in a row");
    }

    @Test
    void uncertainClipsNeitherSetNorChallengeTheSteadyEmotion() throws Exception {
        harness = harness();
        harness.open();
        assertNull(send("desk", "sad", 0.3f, false).steadyLabel, "nothing steady before a confident clip");
        assertEquals("neutral", send("desk", "neutral", 0.7f, true).steadyLabel);
        assertEquals("neutral", send("desk", "sad", 0.35f, false).steadyLabel);
        assertEquals("neutral", send("desk", "sad", 0.35f, false).steadyLabel);
        assertEquals("neutral", send("desk", "happy", 0.9f, true).steadyLabel);
        // an uncertain clip between two confident happy ones neither counts nor breaks the run
        assertEquals("neutral", send("desk", "sad", 0.3f, false).steadyLabel);
        assertEquals("happy", send("desk", "happy", 0.9f, true).steadyLabel);
    }

    @Test
    void smoothedConfidenceIsTheMeanOverTheLastFiveClips() throws Exception {
        harness = harness();
        harness.open();
        float[] confidences = {0.9f, 0.5f, 0.7f, 0.6f, 0.8f, 0.4f};
        FaceEmotion last = null;
        for (float c : confidences) {
            last = send("desk", "neutral", c, true);
        }
        assertEquals(5, last.steadyClips);
        assertEquals((0.5f + 0.7f + 0.6f + 0.8f + 0.4f) / 5, last.steadyConfidence, 1e-6);
    }

    @Test
    void camerasAreSmoothedApartAndAPauseStartsAfresh() throws Exception {
        harness = harness();
        harness.open();
        send("door", "happy", 0.8f, true);
        send("desk", "sad", 0.8f, true);
        assertEquals("happy", send("door", "neutral", 0.8f, true).steadyLabel);
        assertEquals("sad", send("desk", "sad", 0.8f, true).steadyLabel);
        ScoredClip afterPause = clip("door", "angry", 0.8f, true, clipCounters.size() * CLIP_MS + 60_000);
        harness.processElement(new StreamRecord<>(afterPause, afterPause.clipEndMillis));
        FaceEmotion out = last();
        assertEquals("angry", out.steadyLabel, "after a minute's pause the first confident clip sets it");
        assertEquals(1, out.steadyClips);
    }

    @Test
    void theSteadyEmotionSurvivesARestoreFromASnapshot() throws Exception {
        harness = harness();
        harness.open();
        send("desk", "happy", 0.8f, true);
        send("desk", "happy", 0.8f, true);
        send("desk", "sad", 0.8f, true); // a challenger one clip away from taking over
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);
        harness.close();

        harness = harness();
        harness.initializeState(snapshot);
        harness.open();
        assertEquals("sad", send("desk", "sad", 0.8f, true).steadyLabel, "the challenger's run was restored");
    }

    private FaceEmotion send(String camera, String label, float confidence, boolean confident) throws Exception {
        ScoredClip clip = clip(camera, label, confidence, confident, clipCounters.size() * CLIP_MS);
        clipCounters.add(clip.clipEndMillis);
        harness.processElement(new StreamRecord<>(clip, clip.clipEndMillis));
        return last();
    }

    private FaceEmotion last() {
        List<FaceEmotion> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((FaceEmotion) r.getValue());
            }
        }
        return out.get(out.size() - 1);
    }

    private static ScoredClip clip(String camera, String label, float confidence, boolean confident, long start) {
        ScoredClip clip = new ScoredClip();
        clip.cameraId = camera;
        clip.clipStartMillis = start;
        clip.clipEndMillis = start + CLIP_MS - 40;
        clip.labels = LABELS;
        clip.probabilities = new float[LABELS.length];
        for (int i = 0; i < LABELS.length; i++) {
            clip.probabilities[i] = LABELS[i].equals(label) ? confidence : (1 - confidence) / 4;
        }
        clip.label = label;
        clip.confidence = confidence;
        clip.confident = confident;
        return clip;
    }
}
