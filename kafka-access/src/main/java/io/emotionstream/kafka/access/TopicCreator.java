package io.emotionstream.kafka.access;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics that a Kafka cluster does not have yet, and returns once they are listed; existing ones are left
 * as they are.
 */
public final class TopicCreator {
    private TopicCreator() {}

    public static void createMissing(String bootstrapServers, Collection<NewTopic> topics) {
        createMissing(bootstrapServers, Map.of(), topics);
    }

    /** As above, with Kafka client settings (security and the like) for the admin client. */
    public static void createMissing(String bootstrapServers, Map<String, ?> clientProperties,
                                               Collection<NewTopic> topics) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            // a new topic reaches the brokers' metadata a moment after its creation: return once it is listed, so
            // that the caller's next step (publishing to it, describing it) finds it
            long deadline = System.currentTimeMillis() + 10_000;
            while (!admin.listTopics().names().get(30, TimeUnit.SECONDS).containsAll(
                    missing.stream().map(NewTopic::name).toList()) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics on " + bootstrapServers, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics on " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }
}
