package io.emotionstream.job;

/**
 * A record of the frames topic as read, before decoding: its place in Kafka, its bytes, and, when the value is a
 * readable VideoFrame, its capture time (for watermarks). A Flink POJO.
 */
public class KafkaFrameRecord {
    public String topic;
    public int partition;
    public long offset;
    public long kafkaTimestamp;
    /** The record key (camera id) as text, or null. */
    public String key;
    public byte[] value;

    public KafkaFrameRecord() {}

    KafkaFrameRecord(String topic, int partition, long offset, long kafkaTimestamp, String key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.kafkaTimestamp = kafkaTimestamp;
        this.key = key;
        this.value = value == null ? new byte[0] : value;
    }
}
