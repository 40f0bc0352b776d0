package io.emotionstream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.kafka.access.TopicCreator;
import io.emotionstream.schema.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * Faces do not pile up: on a real broker the frames topic is created to keep frames minutes (the default, or what
 * `--frames-retention-minutes` says), its segments rolled often enough for the retention to bite, and the embedded
 * broker checks for expired segments every minute.
 */
class FramesRetentionTest {
    @Test
    void theFramesTopicKeepsFramesMinutesAndItsSegmentsRollOftenEnough() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            TopicCreator.createMissing(broker.bootstrapServers(), List.of(Topics.FRAMES.newTopic(),
                    Topics.FRAMES.newTopic("short-frames", 2, Topics.frameRetention(3))));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                Config defaults = topicConfig(admin, Topics.FRAMES.defaultName());
                assertEquals("600000", defaults.get("retention.ms").value(), "ten minutes by default");
                assertEquals("120000", defaults.get("segment.ms").value());
                assertEquals("LogAppendTime", defaults.get("message.timestamp.type").value());
                Config shorter = topicConfig(admin, "short-frames");
                assertEquals("180000", shorter.get("retention.ms").value());
                assertEquals("60000", shorter.get("segment.ms").value());
                ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
                assertEquals("60000", admin.describeConfigs(List.of(node)).all().get().get(node)
                        .get("log.retention.check.interval.ms").value());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Topics.frameRetention(0));
    }

    private static Config topicConfig(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }
}
