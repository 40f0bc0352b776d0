package io.emotionstream.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.ingest.StopOnSignal;
import io.emotionstream.kafka.access.KafkaAccess;
import io.emotionstream.kafka.access.KafkaClientOptions;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.LabelProbability;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"Prints emotion events as they are committed, one JSON object a line (read_committed: each "
                + "event exactly once), for whoever subscribes to events without writing code, e.g. "
                + "`./emotion-stream events --camera door | jq .label`.",
                "Records that are not emotion events are reported on stderr and skipped."})
final class EventsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(names = "--topic", paramLabel = "NAME", description = "the events topic (default: ${DEFAULT-VALUE})")
    String topic = Topics.EMOTION_EVENTS.defaultName();

    @Option(names = "--camera", paramLabel = "ID", description = "only this camera's events (repeatable)")
    Set<String> cameras = Set.of();

    @Option(names = "--from-beginning", description = "start with the oldest event kept, not with the next one")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", description = "stop after N events")
    Long max;

    @Option(names = "--idle-exit-ms", paramLabel = "MS",
            description = "stop when no event came for this long (default: run until stopped)")
    Long idleExitMillis;

    @Mixin
    KafkaClientOptions kafkaClient = new KafkaClientOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> config = new HashMap<>(kafkaClient.properties());
        KafkaAccess.require(bootstrapServers, config, Map.of(topic, AclOperation.READ), Duration.ofSeconds(15), "");
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long printed = 0;
        try (StopOnSignal stop = new StopOnSignal();
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                     new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(15)).forEach(p ->
                    partitions.add(new TopicPartition(topic, p.partition())));
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("no topic " + topic + " on " + bootstrapServers);
            }
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            long lastEvent = System.currentTimeMillis();
            while (!Thread.currentThread().isInterrupted() && (max == null || printed < max)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    lastEvent = System.currentTimeMillis();
                    EmotionEvent event;
                    try {
                        event = SingleObject.decode(EmotionEvent.class, record.value());
                    } catch (Exception e) {
                        err.printf("skipped %s-%d@%d: not an emotion event (%s)%n", record.topic(), record.partition(),
                                record.offset(), e.getMessage());
                        continue;
                    }
                    if (cameras.isEmpty() || cameras.contains(event.getCameraId())) {
                        out.println(JSON.writeValueAsString(toJson(event)));
                        out.flush();
                        if (max != null && ++printed >= max) {
                            break;
                        }
                    }
                }
                if (idleExitMillis != null && System.currentTimeMillis() - lastEvent > idleExitMillis) {
                    break;
                }
            }
        } catch (InterruptException stopped) {
            Thread.interrupted(); // Ctrl-C while polling
        }
        return 0;
    }

    /** An event as plain JSON: names as in the Avro schema, times as ISO-8601, probabilities by label. */
    static ObjectNode toJson(EmotionEvent e) {
        ObjectNode json = JSON.createObjectNode();
        json.put("camera_id", e.getCameraId());
        json.put("face_track", e.getFaceTrack());
        json.put("faces_in_view", e.getFacesInView());
        json.put("clip_start_time", e.getClipStartTime().toString());
        json.put("clip_end_time", e.getClipEndTime().toString());
        json.put("first_sequence", e.getFirstSequence());
        json.put("last_sequence", e.getLastSequence());
        json.put("label", e.getLabel());
        json.put("confidence", e.getConfidence());
        json.put("confident", e.getConfident());
        ObjectNode probabilities = json.putObject("probabilities");
        for (LabelProbability p : e.getProbabilities()) {
            probabilities.put(p.getLabel(), p.getProbability());
        }
        if (e.getSmoothed() != null) {
            json.putObject("steady").put("label", e.getSmoothed().getLabel())
                    .put("confidence", e.getSmoothed().getConfidence());
        }
        if (e.getFaceBox() != null) {
            json.putObject("face_box").put("x", e.getFaceBox().getX()).put("y", e.getFaceBox().getY())
                    .put("width", e.getFaceBox().getWidth()).put("height", e.getFaceBox().getHeight());
        }
        json.put("frames_used", e.getFramesUsed());
        json.put("frames_looked_at", e.getFramesLookedAt());
        json.put("model", e.getModelName() + " " + e.getModelVersion());
        json.put("processing_latency_ms", e.getProcessingLatencyMs());
        return json;
    }
}
