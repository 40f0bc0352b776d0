package io.emotionstream.job;

import io.emotionstream.schema.DeadLetter;
import io.emotionstream.schema.DeadLetters;
import io.emotionstream.schema.SingleObject;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes a rejection as a DeadLetter (Avro single-object encoding), keyed by camera when known. */
public class DeadLetterSerializer implements KafkaRecordSerializationSchema<Rejection> {
    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    static DeadLetter toDeadLetter(Rejection r) {
        return DeadLetters.of(r.reason, r.detail, r.sourceTopic, r.sourcePartition, r.sourceOffset, r.cameraId,
                r.payloadSize, r.payloadPrefix, r.failedAtMillis);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Rejection rejection, KafkaSinkContext context, Long timestamp) {
        byte[] key = rejection.cameraId == null ? null : rejection.cameraId.getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, rejection.failedAtMillis, key,
                SingleObject.encode(toDeadLetter(rejection)));
    }
}
