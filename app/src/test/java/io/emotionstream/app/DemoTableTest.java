package io.emotionstream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.LabelProbability;
import io.emotionstream.schema.SmoothedEmotion;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's table of events: two faces of one camera are told apart by their face column. */
class DemoTableTest {
    @Test
    void eachRowNamesItsFace() {
        String first = DemoCommand.row(event(1, "happy", true));
        String second = DemoCommand.row(event(2, "sad", false));
        int face = DemoCommand.HEADER.indexOf("face");
        assertEquals("#1", first.substring(face, face + 2), first);
        assertEquals("#2", second.substring(face, face + 2), second);
        int emotion = DemoCommand.HEADER.indexOf("emotion");
        assertTrue(first.startsWith("happy", emotion), first);
        assertTrue(second.startsWith("uncertain", emotion), "an unconfident clip: " + second);
        assertTrue(second.endsWith("sad"), "the steady emotion last: " + second);
    }

    private static EmotionEvent event(int track, String label, boolean confident) {
        return EmotionEvent.newBuilder().setCameraId("room").setClipStartTime(Instant.ofEpochSecond(1000))
                .setClipEndTime(Instant.ofEpochSecond(1001)).setFirstSequence(0).setLastSequence(29)
                .setFramesUsed(4).setLabel(label).setConfidence(0.7f)
                .setProbabilities(List.of(new LabelProbability(label, 0.7f), new LabelProbability("angry", 0.3f)))
                .setModelName("compact-r2plus1d").setModelVersion("4.0.0").setProcessingLatencyMs(900)
                .setConfident(confident).setSmoothed(new SmoothedEmotion(label, 0.7f, 1)).setFaceTrack(track)
                .setFacesInView(2).build();
    }
}
