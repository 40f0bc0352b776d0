package io.emotionstream.job;

import io.emotionstream.schema.DeadLetter;
import io.emotionstream.schema.DeadLetters;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a rejection as a DeadLetter (Avro single-object encoding), keyed by camera when known, and counts the dead
 * letters by reason (metric {@code deadLetters}, label {@code reason}).
 */
public class DeadLetterSerializer implements KafkaRecordSerializationSchema<Rejection> {
    private final String topic;
    private transient MetricGroup metrics;
    private transient Map<DeadLetterReason, Counter> counts;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    static DeadLetter toDeadLetter(Rejection r) {
        return DeadLetters.of(r.reason, r.detail, r.sourceTopic, r.sourcePartition, r.sourceOffset, r.cameraId,
                r.payloadSize, r.payloadPrefix, r.failedAtMillis);
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        metrics = context.getMetricGroup();
        counts = new EnumMap<>(DeadLetterReason.class);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Rejection rejection, KafkaSinkContext context, Long timestamp) {
        if (counts != null) {
            counts.computeIfAbsent(rejection.reason, reason -> metrics.addGroup("reason", reason.name())
                    .counter("deadLetters")).inc();
        }
        byte[] key = rejection.cameraId == null ? null : rejection.cameraId.getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, rejection.failedAtMillis, key,
                SingleObject.encode(toDeadLetter(rejection)));
    }
}
