package io.emotionstream.job;

import io.emotionstream.schema.DeadLetterReason;

/**
 * A record the job could not process, on its way to the dead-letter topic (made into a DeadLetter by
 * {@link DeadLetterSerializer}). A Flink POJO.
 */
public class Rejection {
    public DeadLetterReason reason;
    public String detail;
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;
    public String cameraId;
    public int payloadSize;
    public byte[] payloadPrefix;
    public long failedAtMillis;

    public Rejection() {}

    static Rejection of(KafkaFrameRecord record, DeadLetterReason reason, String detail) {
        Rejection r = new Rejection();
        r.reason = reason;
        r.detail = detail;
        r.sourceTopic = record.topic;
        r.sourcePartition = record.partition;
        r.sourceOffset = record.offset;
        r.cameraId = record.cameraId;
        r.payloadSize = record.payloadSize;
        r.payloadPrefix = record.payloadPrefix;
        r.failedAtMillis = System.currentTimeMillis();
        return r;
    }

    /** A frame the clip stage refused on its own (late, out of place), with the reason and what it was. */
    static Rejection ofFrame(FaceFrame frame, DeadLetterReason reason, String detail) {
        Rejection r = new Rejection();
        r.reason = reason;
        r.detail = detail + " (captured at " + frame.captureTimeMillis + ")";
        r.sourceTopic = frame.sourceTopic;
        r.sourcePartition = frame.sourcePartition;
        r.sourceOffset = frame.sourceOffset;
        r.cameraId = frame.cameraId;
        r.payloadPrefix = new byte[0];
        r.failedAtMillis = System.currentTimeMillis();
        return r;
    }

    @Override
    public String toString() {
        return "Rejection{" + reason + ": " + detail + " at " + sourceTopic + "/" + sourcePartition + "@" + sourceOffset + "}";
    }
}
