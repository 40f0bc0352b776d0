package io.emotionstream.dashboard;

import io.emotionstream.schema.CameraSummary;
import io.emotionstream.schema.DeadLetter;
import io.emotionstream.schema.DeadLetterReason;
import io.emotionstream.schema.DeadLetters;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.SingleObjectSerde;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The summary app's topology: emotion events (keyed by camera) are decoded, events that cannot be read go to the
 * dead-letter topic with the reason, and each camera's events are aggregated per window (event time: the clip's
 * end) into {@link CameraSummary} records, kept in queryable window stores and written to the summaries topic.
 */
public final class SummaryTopology {
    /** How long window summaries stay queryable (recent history). */
    public static final java.time.Duration RETENTION = java.time.Duration.ofHours(2);

    private SummaryTopology() {}

    public static Topology build(SummarySettings settings) {
        SingleObjectSerde<EmotionEvent> eventSerde = new SingleObjectSerde<>(EmotionEvent.class);
        SingleObjectSerde<CameraSummary> summarySerde = new SingleObjectSerde<>(CameraSummary.class);
        SingleObjectSerde<DeadLetter> deadLetterSerde = new SingleObjectSerde<>(DeadLetter.class);
        StreamsBuilder builder = new StreamsBuilder();

        KStream<String, Decoded> decoded = builder
                .stream(settings.eventsTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("events"))
                .processValues(() -> new EventDecoder(eventSerde), Named.as("decode-events"));
        Map<String, KStream<String, Decoded>> branches = decoded.split(Named.as("events-"))
                .branch((camera, d) -> d.event() != null, Branched.as("readable"))
                .defaultBranch(Branched.as("unreadable"));
        branches.get("events-unreadable")
                .mapValues(Decoded::deadLetter, Named.as("dead-letter"))
                .to(settings.deadLettersTopic(), Produced.with(Serdes.String(), deadLetterSerde).withName("dead-letters"));

        KGroupedStream<String, EmotionEvent> byCamera = branches.get("events-readable")
                .mapValues(Decoded::event, Named.as("event"))
                .groupByKey(Grouped.with("by-camera", Serdes.String(), eventSerde));
        for (SummarySettings.WindowSpec spec : settings.windows()) {
            TimeWindows windows = TimeWindows.ofSizeAndGrace(spec.size(), settings.grace()).advanceBy(spec.advance());
            byCamera.windowedBy(windows)
                    .aggregate(Summaries::empty, (camera, event, summary) -> Summaries.add(summary, event),
                            Named.as("summarise-" + spec.name()),
                            Materialized.<String, CameraSummary, WindowStore<Bytes, byte[]>>as(spec.storeName())
                                    .withKeySerde(Serdes.String()).withValueSerde(summarySerde)
                                    .withRetention(RETENTION.plus(spec.size()).plus(settings.grace())))
                    .toStream(Named.as("changes-" + spec.name()))
                    .map((window, summary) -> KeyValue.pair(window.key(),
                                    windowed(summary, spec.name(), window.window().start(), window.window().end())),
                            Named.as("label-" + spec.name()))
                    .to(settings.summariesTopic(),
                            Produced.with(Serdes.String(), summarySerde).withName("summaries-" + spec.name()));
        }
        return builder.build();
    }

    /** The summary with its window's name and bounds. */
    public static CameraSummary windowed(CameraSummary summary, String name, long startMillis, long endMillis) {
        return CameraSummary.newBuilder(summary)
                .setWindow(name)
                .setWindowStart(Instant.ofEpochMilli(startMillis))
                .setWindowEnd(Instant.ofEpochMilli(endMillis))
                .build();
    }

    /** An event, or the dead letter of a record that is not one. */
    record Decoded(EmotionEvent event, DeadLetter deadLetter) {}

    /** Decodes each record; a record that is no EmotionEvent, or keyed by another camera, becomes a dead letter. */
    static final class EventDecoder implements FixedKeyProcessor<String, byte[], Decoded> {
        private final SingleObjectSerde<EmotionEvent> serde;
        private FixedKeyProcessorContext<String, Decoded> context;

        EventDecoder(SingleObjectSerde<EmotionEvent> serde) {
            this.serde = serde;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Decoded> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            byte[] value = record.value() == null ? new byte[0] : record.value();
            DeadLetterReason reason;
            String detail;
            try {
                EmotionEvent event = serde.decode(value);
                if (event.getCameraId().equals(record.key())) {
                    context.forward(record.withValue(new Decoded(event, null)));
                    return;
                }
                reason = DeadLetterReason.INVALID_EVENT;
                detail = "record key '" + record.key() + "' differs from camera_id '" + event.getCameraId() + "'";
            } catch (Exception e) {
                reason = DeadLetterReason.NOT_AVRO;
                detail = "not an EmotionEvent record: " + e.getMessage();
            }
            RecordMetadata where = context.recordMetadata().orElse(null);
            DeadLetter letter = DeadLetters.of(reason, detail, where == null ? null : where.topic(),
                    where == null ? -1 : where.partition(), where == null ? -1 : where.offset(), record.key(),
                    value.length, value, System.currentTimeMillis());
            context.forward(record.withValue(new Decoded(null, letter)));
        }
    }
}
