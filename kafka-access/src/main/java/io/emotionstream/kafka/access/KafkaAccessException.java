package io.emotionstream.kafka.access;

/**
 * Kafka cannot be reached or used as this client: the message says who, what and where, in one line. An illegal
 * argument, as the client settings or the broker's ACLs are the commands' input.
 */
public final class KafkaAccessException extends IllegalArgumentException {
    public KafkaAccessException(String message) {
        super(message);
    }
}
