package io.emotionstream.schema;

/** Why a record went to a dead-letter topic: the codes written to {@link DeadLetter#getReason()}. */
public enum DeadLetterReason {
    /** Not a record of the expected Avro schema (or of a schema it can read). */
    NOT_AVRO,
    /** A record of a newer writer's schema that cannot be read as the current one (a field without default...). */
    INCOMPATIBLE_SCHEMA,
    /** A frame whose fields break the contract (key, camera id, encoding, sizes, image header). */
    INVALID_FRAME,
    /** A frame larger than the job accepts. */
    OVERSIZED_RECORD,
    /** A frame whose image cannot be decoded. */
    UNDECODABLE_IMAGE,
    /** A frame whose capture time lies further ahead of its Kafka record time (or the clock) than the job allows. */
    CAPTURE_TIME_AHEAD,
    /** A frame whose place in its camera's sequence had passed when it came: too late to be put in order. */
    LATE_FRAME,
    /** A frame that does not fit its camera's sequence: far ahead of it, or back in it without a restart. */
    OUT_OF_PLACE,
    /** Frames over their camera's frame rate, dropped (one dead letter a second stands for them all). */
    OVER_RATE,
    /** Frames of cameras the job did not let in: too many cameras, or too many new ones at once (one a second). */
    CAMERA_REFUSED,
    /** Face detection or cropping failed on the frame. */
    FACE_STAGE_ERROR,
    /** An emotion event whose key differs from its camera id (summary app). */
    INVALID_EVENT
}
