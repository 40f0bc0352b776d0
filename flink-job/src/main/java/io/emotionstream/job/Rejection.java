package io.emotionstream.job;

/** A record the job could not process, on its way to the dead-letter topic. A Flink POJO. */
public class Rejection {
    /** Reason codes, as written to DeadLetter.reason. */
    public static final String NOT_AVRO = "NOT_AVRO";
    public static final String INVALID_FRAME = "INVALID_FRAME";
    public static final String OVERSIZED_RECORD = "OVERSIZED_RECORD";
    public static final String UNDECODABLE_IMAGE = "UNDECODABLE_IMAGE";
    public static final String LATE_FRAME = "LATE_FRAME";
    public static final String FACE_STAGE_ERROR = "FACE_STAGE_ERROR";

    /** How much of the original value a dead letter keeps. */
    public static final int PAYLOAD_PREFIX_BYTES = 256;

    public String reason;
    public String detail;
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;
    public String cameraId;
    public int payloadSize;
    public byte[] payloadPrefix;
    public long failedAtMillis;

    public Rejection() {}

    static Rejection of(KafkaFrameRecord record, String reason, String detail) {
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

    static Rejection lateFrame(FaceFrame frame, String topic) {
        Rejection r = new Rejection();
        r.reason = LATE_FRAME;
        r.detail = "frame " + frame.sequence + " captured at " + frame.captureTimeMillis
                + " arrived after the watermark had passed it";
        r.sourceTopic = topic;
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
