package io.emotionstream.job;

import io.emotionstream.schema.Topics;
import java.io.Serializable;
import java.util.Map;

/**
 * Where the job reads and writes.
 *
 * @param startFrom earliest, latest, or committed (the group's offsets, else earliest)
 * @param bounded stop at the offsets that were the latest when the job started (replays and tests)
 * @param schemasTopic where agents publish their writer schemas, so frames of a newer schema are read
 * @param clientProperties passed to every Kafka client (SASL, TLS, ...)
 */
public record KafkaSettings(String bootstrapServers, String framesTopic, String eventsTopic, String deadLettersTopic,
                            String schemasTopic, String groupId, String startFrom, boolean bounded, String transactionalIdPrefix,
                            FrameLimits limits, Map<String, String> clientProperties)
        implements Serializable {
    public KafkaSettings {
        if (!startFrom.equals("earliest") && !startFrom.equals("latest") && !startFrom.equals("committed")) {
            throw new IllegalArgumentException("start must be earliest, latest or committed, got " + startFrom);
        }
        clientProperties = Map.copyOf(clientProperties);
    }

    public static final String DEFAULT_GROUP_ID = "emotion-stream-job";
    public static final String DEFAULT_START_FROM = "committed";
    public static final String DEFAULT_TRANSACTIONAL_ID_PREFIX = "emotion-stream-job";

    /** The defaults of the {@code job} command's flags: the default topics, group and limits. */
    public static KafkaSettings defaults(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Topics.FRAMES.defaultName(), Topics.EMOTION_EVENTS.defaultName(),
                Topics.DEAD_LETTERS.defaultName(), Topics.SCHEMAS.defaultName(), DEFAULT_GROUP_ID, DEFAULT_START_FROM,
                false, DEFAULT_TRANSACTIONAL_ID_PREFIX, FrameLimits.defaults(), Map.of());
    }

    public KafkaSettings withTopics(String frames, String events, String deadLetters) {
        return new KafkaSettings(bootstrapServers, frames, events, deadLetters, schemasTopic, groupId, startFrom,
                bounded, transactionalIdPrefix, limits, clientProperties);
    }

    /** Other client settings (TLS, SASL) for every Kafka client of the job. */
    public KafkaSettings withClientProperties(Map<String, String> properties) {
        return new KafkaSettings(bootstrapServers, framesTopic, eventsTopic, deadLettersTopic, schemasTopic, groupId,
                startFrom, bounded, transactionalIdPrefix, limits, properties);
    }

    /** Another consumer group and transactional id prefix, so that two jobs on one broker stay apart. */
    public KafkaSettings withGroup(String groupId, String startFrom, String transactionalIdPrefix) {
        return new KafkaSettings(bootstrapServers, framesTopic, eventsTopic, deadLettersTopic, schemasTopic, groupId,
                startFrom, bounded, transactionalIdPrefix, limits, clientProperties);
    }
}
