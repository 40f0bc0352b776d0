package io.emotionstream.kafka.access;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The users of a secured Kafka, one per part of the system; each may do its part and nothing else ({@link
 * AccessPolicy}). The secure broker and the {@code credentials} command make one login for each ({@link
 * BrokerSecurity}).
 */
public enum KafkaUser {
    /** Camera agents: write frames. */
    CAMERA,
    /** The Flink job: read frames, write events and dead letters. */
    JOB,
    /** The summary app and the events command: read events, write summaries. */
    DASHBOARD,
    /** The administrator: a super user (topics, ACLs, the frame schema). */
    ADMIN;

    /** The user's name in Kafka (SASL and ACLs). */
    public String userName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every user's name, in this order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(KafkaUser::userName).toList();
    }
}
