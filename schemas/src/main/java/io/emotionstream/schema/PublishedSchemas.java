package io.emotionstream.schema;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writer schemas published to a compacted Kafka topic ({@link Topics#SCHEMAS}), keyed by their fingerprint, so that
 * a reader finds the schema of a record written by a newer writer: an agent publishes its {@code VideoFrame} schema
 * when it starts, and the job's decoder looks up a fingerprint it does not know. A {@link SchemaStore} for Avro's
 * single-object decoder; Avro then resolves the writer's schema to the reader's (new fields dropped, missing ones at
 * their defaults) or refuses it as incompatible.
 */
public final class PublishedSchemas implements SchemaStore {
    /** Where the schemas are: enough to open a store in a task (serializable, unlike the store). */
    public record Source(String bootstrapServers, String topic, Map<String, String> clientProperties)
            implements Serializable {
        public Source {
            clientProperties = Map.copyOf(clientProperties);
        }

        public PublishedSchemas open() {
            return new PublishedSchemas(this, Duration.ofSeconds(10));
        }
    }

    private final Source source;
    private final long minRereadNanos;
    private final Map<Long, Schema> schemas = new ConcurrentHashMap<>();
    private long lastRead = Long.MIN_VALUE / 2;

    /**
     * @param minReread an unknown fingerprint makes the store read the topic again, at most this often (so a stream
     *     of records of unpublished schemas does not hammer Kafka)
     */
    public PublishedSchemas(Source source, Duration minReread) {
        this.source = source;
        this.minRereadNanos = minReread.toNanos();
    }

    /** The key a schema is published under: its CRC-64-AVRO fingerprint in hex, as in the single-object header. */
    public static String key(Schema schema) {
        return HexFormat.of().formatHex(longBytes(SchemaNormalization.parsingFingerprint64(schema)));
    }

    /**
     * Publishes a writer schema (idempotent: the same schema has the same key, and the topic keeps the last value of
     * each).
     *
     * @throws IllegalStateException when the topic does not exist, or Kafka did not take it within the timeout
     */
    public static void publish(Source source, Schema schema, Duration timeout) {
        requireTopic(source, timeout);
        Map<String, Object> config = new HashMap<>(source.clientProperties());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, source.bootstrapServers());
        int millis = (int) Math.max(timeout.toMillis(), 2_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis / 2);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(source.topic(), key(schema).getBytes(StandardCharsets.UTF_8),
                    schema.toString().getBytes(StandardCharsets.UTF_8))).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish schema " + schema.getFullName() + " to "
                    + source.topic() + ": " + e.getMessage(), e);
        }
    }

    private static void requireTopic(Source source, Duration timeout) {
        Map<String, Object> config = new HashMap<>(source.clientProperties());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, source.bootstrapServers());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(config)) {
            if (!admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(source.topic())) {
                throw new IllegalStateException("no topic " + source.topic() + " to publish schemas to");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new IllegalStateException("cannot reach Kafka to publish schemas: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Schema findByFingerprint(long fingerprint) {
        Schema known = schemas.get(fingerprint);
        if (known != null || System.nanoTime() - lastRead < minRereadNanos) {
            return known;
        }
        readTopic();
        lastRead = System.nanoTime();
        return schemas.get(fingerprint);
    }

    /** Reads every schema in the topic (it is small: one record per schema version). */
    private void readTopic() {
        Map<String, Object> config = new HashMap<>(source.clientProperties());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, source.bootstrapServers());
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(source.topic()).forEach(p ->
                    partitions.add(new TopicPartition(source.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 10_000;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        continue;
                    }
                    try {
                        Schema schema = new Schema.Parser().parse(new String(record.value(), StandardCharsets.UTF_8));
                        schemas.put(SchemaNormalization.parsingFingerprint64(schema), schema);
                    } catch (RuntimeException notASchema) {
                        // a record that is no schema cannot name a fingerprint: skipped
                    }
                }
            }
        } catch (RuntimeException e) {
            // Kafka unreachable or no such topic: the fingerprint stays unknown, and the record says so
        }
    }

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (value >>> (8 * i)); // little-endian, as in the single-object header
        }
        return bytes;
    }
}
