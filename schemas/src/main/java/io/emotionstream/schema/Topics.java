package io.emotionstream.schema;

/**
 * The one place that declares the project's Kafka topics: default name, key and value types. Values are Avro
 * records in Avro's single-object encoding (a 10-byte header with the writer schema's fingerprint, then the binary
 * record), so no schema registry is needed to read them; keys are UTF-8 strings.
 */
public final class Topics {
    /** A topic: its default name (commands take another with a flag), key and value types, and what it carries. */
    public record Topic<V>(String defaultName, String key, Class<V> valueType, String description) {}

    public static final Topic<VideoFrame> FRAMES = new Topic<>("camera-frames", "camera id", VideoFrame.class,
            "encoded frames from camera agents, in capture order per camera");

    public static final Topic<EmotionEvent> EMOTION_EVENTS = new Topic<>("emotion-events", "camera id",
            EmotionEvent.class, "one event per scored clip, written exactly once by the Flink job");

    public static final Topic<DeadLetter> DEAD_LETTERS = new Topic<>("emotion-dead-letters", "camera id when known",
            DeadLetter.class, "records that could not be processed, with the reason");

    public static final Topic<CameraSummary> CAMERA_SUMMARIES = new Topic<>("emotion-summaries", "camera id",
            CameraSummary.class, "per-camera summaries of emotion events over time windows (Kafka Streams app)");

    public static final Topic<DeadLetter> SUMMARY_DEAD_LETTERS = new Topic<>("emotion-summary-dead-letters",
            "camera id when known", DeadLetter.class, "emotion events the summary app could not read, with the reason");

    private Topics() {}
}
