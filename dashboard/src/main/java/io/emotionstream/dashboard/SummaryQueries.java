package io.emotionstream.dashboard;

import io.emotionstream.schema.CameraSummary;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.LabelProbability;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Interactive queries over the summary stores of a running app (this instance's partitions), answered as plain
 * maps and lists ready for JSON.
 */
public final class SummaryQueries {
    private final KafkaStreams streams;
    private final SummarySettings settings;

    public SummaryQueries(KafkaStreams streams, SummarySettings settings) {
        this.streams = streams;
        this.settings = settings;
    }

    /** Cameras with a summary within the retention, sorted. */
    public List<String> cameras() {
        TreeSet<String> cameras = new TreeSet<>();
        Instant now = Instant.now();
        try (KeyValueIterator<Windowed<String>, CameraSummary> all =
                     store(settings.windows().get(0)).fetchAll(now.minus(SummaryTopology.RETENTION), now)) {
            all.forEachRemaining(kv -> cameras.add(kv.key.key()));
        }
        return new ArrayList<>(cameras);
    }

    /** A camera's latest window of each kind and its last event, or null when the camera is unknown. */
    public Map<String, Object> current(String camera) {
        Map<String, Object> windows = new LinkedHashMap<>();
        EmotionEvent last = null;
        for (SummarySettings.WindowSpec spec : settings.windows()) {
            CameraSummary latest = null;
            for (CameraSummary s : windows(spec, camera, SummaryTopology.RETENTION)) {
                latest = s;
            }
            if (latest != null) {
                windows.put(spec.name(), toJson(latest, false));
                if (last == null || latest.getLastEvent() != null
                        && latest.getLastEvent().getClipEndTime().isAfter(last.getClipEndTime())) {
                    last = latest.getLastEvent();
                }
            }
        }
        if (windows.isEmpty()) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("camera", camera);
        out.put("last_event", last == null ? null : toJson(last));
        out.put("windows", windows);
        return out;
    }

    /** A camera's summaries of the first window kind (one a minute by default) over the last {@code span}. */
    public List<Map<String, Object>> history(String camera, Duration span) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CameraSummary s : windows(settings.windows().get(0), camera, span)) {
            out.add(toJson(s, false));
        }
        return out;
    }

    private List<CameraSummary> windows(SummarySettings.WindowSpec spec, String camera, Duration span) {
        Instant now = Instant.now();
        List<CameraSummary> out = new ArrayList<>();
        try (WindowStoreIterator<CameraSummary> it = store(spec).fetch(camera, now.minus(span), now)) {
            while (it.hasNext()) {
                KeyValue<Long, CameraSummary> kv = it.next();
                out.add(SummaryTopology.windowed(kv.value, spec.name(), kv.key, kv.key + spec.size().toMillis()));
            }
        }
        return out;
    }

    private ReadOnlyWindowStore<String, CameraSummary> store(SummarySettings.WindowSpec spec) {
        return streams.store(StoreQueryParameters.fromNameAndType(spec.storeName(), QueryableStoreTypes.windowStore()));
    }

    /** A summary as JSON-ready values: counts, mean probability and share per label, face share, last event. */
    public static Map<String, Object> toJson(CameraSummary s, boolean withLastEvent) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("camera", s.getCameraId());
        out.put("window", s.getWindow());
        out.put("start", s.getWindowStart().toString());
        out.put("end", s.getWindowEnd().toString());
        out.put("events", s.getEvents());
        out.put("dominant", s.getDominantLabel());
        out.put("uncertain_events", s.getUncertainEvents());
        out.put("faces_in_view", s.getFacesInView());
        Map<String, Object> labels = new LinkedHashMap<>();
        for (int i = 0; i < s.getLabels().size(); i++) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("events", s.getEventsPerLabel().get(i));
            l.put("mean_probability", s.getEvents() == 0 ? 0 : s.getProbabilitySums().get(i) / s.getEvents());
            labels.put(s.getLabels().get(i), l);
        }
        out.put("labels", labels);
        out.put("frames_without_face_share", s.getFrames() == 0 ? 0 : 1.0 - (double) s.getFramesWithFace() / s.getFrames());
        EmotionEvent last = s.getLastEvent();
        out.put("last_latency_ms", last == null ? null : last.getProcessingLatencyMs());
        if (withLastEvent) {
            out.put("last_event", last == null ? null : toJson(last));
        }
        return out;
    }

    public static Map<String, Object> toJson(EmotionEvent e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("camera", e.getCameraId());
        out.put("face_track", e.getFaceTrack());
        out.put("faces_in_view", e.getFacesInView());
        out.put("clip_start", e.getClipStartTime().toString());
        out.put("clip_end", e.getClipEndTime().toString());
        out.put("label", e.getLabel());
        out.put("confidence", e.getConfidence());
        out.put("confident", e.getConfident());
        Map<String, Object> smoothed = null;
        if (e.getSmoothed() != null) {
            smoothed = new LinkedHashMap<>();
            smoothed.put("label", e.getSmoothed().getLabel());
            smoothed.put("confidence", e.getSmoothed().getConfidence());
            smoothed.put("clips", e.getSmoothed().getClips());
        }
        out.put("smoothed", smoothed);
        Map<String, Object> p = new LinkedHashMap<>();
        for (LabelProbability lp : e.getProbabilities()) {
            p.put(lp.getLabel(), lp.getProbability());
        }
        out.put("probabilities", p);
        out.put("frames_used", e.getFramesUsed());
        out.put("frames_looked_at", e.getFramesLookedAt());
        out.put("latency_ms", e.getProcessingLatencyMs());
        out.put("model", e.getModelName() + " " + e.getModelVersion());
        return out;
    }
}
