package io.emotionstream.job;

import java.io.Serializable;
import java.util.Map;

/**
 * Where the job reads and writes.
 *
 * @param startFrom earliest, latest, or committed (the group's offsets, else earliest)
 * @param bounded stop at the offsets that were the latest when the job started (replays and tests)
 * @param clientProperties passed to every Kafka client (SASL, TLS, ...)
 */
public record KafkaSettings(String bootstrapServers, String framesTopic, String eventsTopic, String deadLettersTopic,
                            String groupId, String startFrom, boolean bounded, String transactionalIdPrefix,
                            int maxRecordBytes, int maxFrameSide, Map<String, String> clientProperties)
        implements Serializable {
    public KafkaSettings {
        if (!startFrom.equals("earliest") && !startFrom.equals("latest") && !startFrom.equals("committed")) {
            throw new IllegalArgumentException("start must be earliest, latest or committed, got " + startFrom);
        }
        clientProperties = Map.copyOf(clientProperties);
    }
}
