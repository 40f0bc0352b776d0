package io.emotionstream.schema;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/** Builds dead letters the same way wherever a record is rejected (the Flink job, the summary app). */
public final class DeadLetters {
    /** How much of the original value a dead letter keeps, at most. */
    public static final int PAYLOAD_PREFIX_BYTES = 256;

    private DeadLetters() {}

    /** The first {@link #PAYLOAD_PREFIX_BYTES} bytes of a value (empty for null). */
    public static byte[] prefix(byte[] value) {
        return value == null ? new byte[0] : Arrays.copyOf(value, Math.min(value.length, PAYLOAD_PREFIX_BYTES));
    }

    /**
     * A dead letter for a record read from {@code topic} at {@code partition}/{@code offset} (-1 when unknown);
     * the payload prefix is cut to its bound here too.
     */
    public static DeadLetter of(DeadLetterReason reason, String detail, String topic, int partition, long offset,
                                String cameraId, int payloadSize, byte[] payloadPrefix, long failedAtMillis) {
        return DeadLetter.newBuilder()
                .setReason(reason.name())
                .setDetail(detail)
                .setSourceTopic(topic == null ? "" : topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setCameraId(cameraId)
                .setPayloadSize(payloadSize)
                .setPayloadPrefix(ByteBuffer.wrap(prefix(payloadPrefix)))
                .setFailedAt(Instant.ofEpochMilli(failedAtMillis))
                .build();
    }
}
