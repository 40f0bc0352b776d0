package io.emotionstream.dashboard;

import io.emotionstream.schema.CameraSummary;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.LabelProbability;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Adding emotion events into a camera's window summary. Pure functions, so the topology's arithmetic is testable alone. */
public final class Summaries {
    private Summaries() {}

    public static CameraSummary empty() {
        return CameraSummary.newBuilder()
                .setCameraId("")
                .setWindow("")
                .setWindowStart(Instant.EPOCH)
                .setWindowEnd(Instant.EPOCH)
                .setEvents(0)
                .setLabels(new ArrayList<>())
                .setEventsPerLabel(new ArrayList<>())
                .setProbabilitySums(new ArrayList<>())
                .setDominantLabel(null)
                .setFrames(0)
                .setFramesWithFace(0)
                .setLastEvent(null)
                .setUncertainEvents(0)
                .setFacesInView(0)
                .build();
    }

    /** The summary with one more event. Labels are matched by name; a label never seen before is appended. */
    public static CameraSummary add(CameraSummary summary, EmotionEvent event) {
        List<String> labels = new ArrayList<>(summary.getLabels());
        List<Long> counts = new ArrayList<>(summary.getEventsPerLabel());
        List<Double> sums = new ArrayList<>(summary.getProbabilitySums());
        for (LabelProbability p : event.getProbabilities()) {
            int i = indexOf(labels, counts, sums, p.getLabel());
            sums.set(i, sums.get(i) + p.getProbability());
        }
        int chosen = indexOf(labels, counts, sums, event.getLabel());
        counts.set(chosen, counts.get(chosen) + 1);
        int dominant = 0;
        for (int i = 1; i < counts.size(); i++) {
            if (counts.get(i) > counts.get(dominant)) {
                dominant = i;
            }
        }
        EmotionEvent last = summary.getLastEvent();
        boolean newer = last == null || !event.getClipEndTime().isBefore(last.getClipEndTime());
        // the frames the face stage looked at; every frame of the clip in events from before it looked at fewer
        long frames = event.getFramesLookedAt() > 0 ? event.getFramesLookedAt()
                : event.getLastSequence() - event.getFirstSequence() + 1;
        return CameraSummary.newBuilder(summary)
                .setCameraId(event.getCameraId())
                .setEvents(summary.getEvents() + 1)
                .setLabels(labels)
                .setEventsPerLabel(counts)
                .setProbabilitySums(sums)
                .setDominantLabel(labels.get(dominant))
                .setFrames(summary.getFrames() + frames)
                .setFramesWithFace(summary.getFramesWithFace() + event.getFramesUsed())
                .setLastEvent(newer ? event : last)
                .setUncertainEvents(summary.getUncertainEvents() + (event.getConfident() ? 0 : 1))
                .setFacesInView(Math.max(summary.getFacesInView(), event.getFacesInView()))
                .build();
    }

    private static int indexOf(List<String> labels, List<Long> counts, List<Double> sums, String label) {
        int i = labels.indexOf(label);
        if (i < 0) {
            labels.add(label);
            counts.add(0L);
            sums.add(0.0);
            i = labels.size() - 1;
        }
        return i;
    }
}
