package io.emotionstream.schema;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The one place that declares the project's Kafka topics: default name, key and value types. Values are Avro
 * records in Avro's single-object encoding (a 10-byte header with the writer schema's fingerprint, then the binary
 * record), so no schema registry is needed to read them; keys are UTF-8 strings.
 */
public final class Topics {
    /**
     * A topic: its default name (commands take another with a flag), key and value types, what it carries, the
     * partitions it is created with unless a command says otherwise, and its topic configs (retention, timestamps).
     */
    public record Topic<V>(String defaultName, String key, Class<V> valueType, String description,
                           int defaultPartitions, Map<String, String> configs) {
        /** The topic to create under its default name and partitions (replication: the cluster's default). */
        public NewTopic newTopic() {
            return newTopic(defaultName, defaultPartitions);
        }

        /** The topic to create under this name, with its default partitions. */
        public NewTopic newTopic(String name) {
            return newTopic(name, defaultPartitions);
        }

        /** The topic to create under this name with this many partitions (replication: the cluster's default). */
        public NewTopic newTopic(String name, int partitions) {
            return newTopic(name, partitions, Map.of());
        }

        /** The topic to create, its configs with {@code overrides} in place of the defaults. */
        public NewTopic newTopic(String name, int partitions, Map<String, String> overrides) {
            Map<String, String> merged = new HashMap<>(configs);
            merged.putAll(overrides);
            return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(merged);
        }

        /** One line for people: name, key, value type and what it carries. */
        public String describe(String name) {
            return name + " (key: " + key + "; value: " + valueType.getSimpleName() + "): " + description;
        }
    }

    /** Partitions a frames topic gets by default: cameras spread over this many parallel face-stage readers. */
    public static final int FRAME_PARTITIONS = 4;

    private static final String WEEK_MS = "604800000";

    /**
     * Minutes the frames topic keeps frames by default: faces are personal data, so only long enough to ride out a
     * restart of the job; live emotions of older frames are of no use.
     */
    public static final int FRAME_RETENTION_MINUTES = 10;

    /**
     * The largest frame record the frames topic takes: above the job's own limit (4 MiB by default), so that a frame
     * the job will not read reaches it and is reported as a dead letter rather than refused unseen.
     */
    public static final int FRAME_MAX_MESSAGE_BYTES = 8 << 20;

    /**
     * Frames are kept {@value #FRAME_RETENTION_MINUTES} minutes ({@link #frameRetention}). Their record time is the
     * broker's append time, so a producer cannot choose it: the job checks capture times against it. A site's own
     * frames topic ({@code camera-frames.SITE}, {@link CameraSites}) is this topic under another name.
     */
    public static final Topic<VideoFrame> FRAMES = new Topic<>("camera-frames", "camera id", VideoFrame.class,
            "encoded frames from camera agents, in capture order per camera", FRAME_PARTITIONS,
            withFrameRetention(Map.of("message.timestamp.type", "LogAppendTime",
                    "max.message.bytes", Integer.toString(FRAME_MAX_MESSAGE_BYTES)), FRAME_RETENTION_MINUTES));

    public static final Topic<EmotionEvent> EMOTION_EVENTS = new Topic<>("emotion-events", "camera id",
            EmotionEvent.class, "one event per scored clip, written exactly once by the Flink job", 1,
            Map.of("retention.ms", WEEK_MS));

    public static final Topic<DeadLetter> DEAD_LETTERS = new Topic<>("emotion-dead-letters", "camera id when known",
            DeadLetter.class, "records that could not be processed, with the reason", 1,
            Map.of("retention.ms", WEEK_MS));

    public static final Topic<CameraSummary> CAMERA_SUMMARIES = new Topic<>("emotion-summaries", "camera id",
            CameraSummary.class, "per-camera summaries of emotion events over time windows (Kafka Streams app)", 1,
            Map.of("retention.ms", WEEK_MS));

    public static final Topic<DeadLetter> SUMMARY_DEAD_LETTERS = new Topic<>("emotion-summary-dead-letters",
            "camera id when known", DeadLetter.class, "emotion events the summary app could not read, with the reason",
            1, Map.of("retention.ms", WEEK_MS));

    /** Writer schemas keyed by fingerprint (see {@link PublishedSchemas}): compacted, kept for good. */
    public static final Topic<String> SCHEMAS = new Topic<>("emotion-schemas", "schema fingerprint (hex)",
            String.class, "the Avro writer schemas of agents and other producers, as JSON", 1,
            Map.of("cleanup.policy", "compact", "retention.ms", "-1"));

    private Topics() {}

    /**
     * The frames topic's configs that keep frames {@code minutes}: the retention, and segments rolled every fifth of
     * it (the broker deletes whole closed segments only, so with its default week-long segments frames would stay far
     * longer). A frame is gone about 1.2 times the retention after it came, plus the broker's retention check
     * interval (a minute on the embedded broker, five by Kafka's default).
     */
    public static Map<String, String> frameRetention(int minutes) {
        if (minutes < 1) {
            throw new IllegalArgumentException("frames must be kept at least a minute, got " + minutes);
        }
        long ms = minutes * 60_000L;
        return Map.of("retention.ms", Long.toString(ms), "segment.ms", Long.toString(Math.max(60_000, ms / 5)));
    }

    private static Map<String, String> withFrameRetention(Map<String, String> configs, int minutes) {
        Map<String, String> all = new HashMap<>(configs);
        all.putAll(frameRetention(minutes));
        return Map.copyOf(all);
    }
}
