package io.emotionstream.job;

import io.emotionstream.schema.DeadLetterReason;

/**
 * A record of the frames topic, decoded once as it is read: where it was in Kafka, the start of its bytes (for a
 * dead letter), and either the VideoFrame's fields or why it could not be used. A Flink POJO.
 */
public class KafkaFrameRecord {
    public String topic;
    public int partition;
    public long offset;
    public long kafkaTimestamp;
    /** The record key (camera id) as text, or null. */
    public String key;
    public int payloadSize;
    public byte[] payloadPrefix;

    /** Why the record cannot be used, else null. */
    public DeadLetterReason problem;
    public String problemDetail;

    public String cameraId;
    public long sequence;
    public long captureTimeMillis;
    public int width;
    public int height;
    public String encoding;
    /** The encoded image. */
    public byte[] data;

    public KafkaFrameRecord() {}

    boolean usable() {
        return problem == null;
    }

    /** The camera, for keying: its id when known, else the record's key, else "" (records of no camera). */
    public String cameraKey() {
        return cameraId != null ? cameraId : key != null ? key : "";
    }

    /** Event time: the capture time of a usable frame, else the Kafka record's timestamp. */
    long eventTime() {
        return usable() ? captureTimeMillis : kafkaTimestamp;
    }
}
