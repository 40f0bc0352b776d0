package io.emotionstream.dashboard;

import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.LabelProbability;
import io.emotionstream.schema.SmoothedEmotion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Emotion events for the dashboard's tests. */
final class TestEvents {
    static final List<String> LABELS = List.of("neutral", "happy", "sad", "angry", "surprised");

    private TestEvents() {}

    /** An event of a 30-frame clip ending at {@code end}: the label has the confidence, the others share the rest. */
    static EmotionEvent event(String camera, String label, float confidence, Instant end, int framesUsed) {
        List<LabelProbability> p = new ArrayList<>();
        for (String l : LABELS) {
            p.add(new LabelProbability(l, l.equals(label) ? confidence : (1 - confidence) / 4));
        }
        long last = end.toEpochMilli() / 40;
        return EmotionEvent.newBuilder().setCameraId(camera).setClipStartTime(end.minusMillis(1160)).setClipEndTime(end)
                .setFirstSequence(last - 29).setLastSequence(last).setFramesUsed(framesUsed).setFaceBox(null)
                .setLabel(label).setConfidence(confidence).setProbabilities(p).setModelName("compact-r2plus1d")
                .setModelVersion("1.0.0").setProcessingLatencyMs(830).build();
    }

    /** The event of one of several faces the camera sees. */
    static EmotionEvent face(EmotionEvent event, int track, int facesInView) {
        return EmotionEvent.newBuilder(event).setFaceTrack(track).setFacesInView(facesInView).build();
    }

    /** The event marked uncertain (below the model's threshold). */
    static EmotionEvent uncertain(EmotionEvent event) {
        return EmotionEvent.newBuilder(event).setConfident(false).build();
    }

    /** The event with the camera's steady emotion over its last clips. */
    static EmotionEvent smoothed(EmotionEvent event, String label, float confidence) {
        return EmotionEvent.newBuilder(event).setSmoothed(new SmoothedEmotion(label, confidence, 5)).build();
    }
}
