package io.emotionstream.schema;

/** Why a record went to a dead-letter topic: the codes written to {@link DeadLetter#getReason()}. */
public enum DeadLetterReason {
    NOT_AVRO("not a record of the expected Avro schema (or of a schema it can read)"),
    INVALID_FRAME("a frame whose fields break the contract (key, camera id, format, sizes)"),
    OVERSIZED_RECORD("a frame larger than the job accepts"),
    UNDECODABLE_IMAGE("a frame whose image cannot be decoded"),
    LATE_FRAME("a frame that arrived after the watermark had passed it, too late to be put in order"),
    FACE_STAGE_ERROR("face detection or cropping failed on the frame"),
    INVALID_EVENT("an emotion event whose key differs from its camera id");

    private final String description;

    DeadLetterReason(String description) {
        this.description = description;
    }

    /** What the reason means, for people. */
    public String description() {
        return description;
    }
}
