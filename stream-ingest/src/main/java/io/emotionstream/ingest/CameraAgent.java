package io.emotionstream.ingest;

import io.emotionstream.kafka.access.KafkaAccess;
import io.emotionstream.schema.PublishedSchemas;
import io.emotionstream.schema.Topics;
import io.emotionstream.schema.VideoFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes several cameras through one Kafka producer, a thread per camera. Close it to stop and flush. */
public final class CameraAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CameraAgent.class);

    private final Producer<String, byte[]> producer;
    private final List<CameraPublisher> publishers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    private CameraAgent(Producer<String, byte[]> producer, List<CameraSpec> cameras, AgentSettings settings) {
        this.producer = producer;
        for (CameraSpec camera : cameras) {
            CameraPublisher publisher = new CameraPublisher(camera, settings, producer);
            publishers.add(publisher);
            Thread thread = new Thread(publisher, "camera-" + camera.cameraId());
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    /**
     * Starts publishing.
     *
     * @param kafka producer properties: bootstrap.servers and any other client setting (SASL, TLS, ...); the
     *     agent's defaults (acks=all, idempotence, small linger) apply where they say nothing
     */
    public static CameraAgent start(List<CameraSpec> cameras, AgentSettings settings, Map<String, String> kafka) {
        if (cameras.isEmpty()) {
            throw new IllegalArgumentException("no cameras to publish");
        }
        if (cameras.stream().map(CameraSpec::cameraId).distinct().count() != cameras.size()) {
            throw new IllegalArgumentException("camera ids must be unique");
        }
        Properties props = new Properties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // frames with the producer are retried through an outage of up to 10 minutes; the others wait in each
        // camera's send queue (CameraPublisher), so an outage costs no frame until that is full
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "600000"); // the camera's sender waits for metadata, not capture
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "emotion-stream-agent");
        props.putAll(kafka);
        if (!props.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("bootstrap.servers is not set");
        }
        KafkaAccess.require(props.getProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG), kafka,
                Map.of(settings.topic(), AclOperation.WRITE), Duration.ofSeconds(15),
                "`emotion-stream broker` creates the project's topics; or name another with --topic");
        publishSchema(new PublishedSchemas.Source(props.getProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG),
                Topics.SCHEMAS.defaultName(), kafka));
        CameraAgent agent = new CameraAgent(
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()), cameras, settings);
        agent.threads.forEach(Thread::start);
        LOG.info("Publishing {} camera(s) to {} on {}", cameras.size(), settings.topic(),
                props.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        return agent;
    }

    /**
     * Publishes the agent's VideoFrame schema before its first frame, so that a job built with an older schema can
     * read this agent's frames. Where it cannot (no schemas topic, emotion-schemas, or, on a secured Kafka, no right
     * to write it: there the administrator publishes schemas with {@code setup-kafka}), such a job dead-letters them
     * as of an unknown schema unless the schema was published already; the agent says so and goes on.
     */
    private static void publishSchema(PublishedSchemas.Source source) {
        try {
            PublishedSchemas.publish(source, VideoFrame.getClassSchema(), Duration.ofSeconds(5));
        } catch (IllegalStateException e) {
            LOG.info("Frame schema not published ({}): a job built with another VideoFrame schema reads this agent's "
                    + "frames only if an administrator published it (emotion-stream setup-kafka)", e.getMessage());
        }
    }

    public List<CameraStats> stats() {
        return publishers.stream().map(CameraPublisher::stats).toList();
    }

    /** True while any camera is still publishing (live sources run until stopped). */
    public boolean running() {
        return threads.stream().anyMatch(Thread::isAlive);
    }

    /** Waits until every camera has ended or the timeout passes; true when all ended. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return !running();
            }
            thread.join(Math.max(1, left / 1_000_000L));
        }
        return !running();
    }

    /** Stops every camera, waits for them briefly and flushes what was sent. */
    @Override
    public void close() {
        publishers.forEach(CameraPublisher::stop);
        for (Thread thread : threads) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        producer.close(Duration.ofSeconds(10));
    }
}
