package io.emotionstream.job;

import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.model.ScoringOptions;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.Topics;
import io.emotionstream.schema.VideoFrame;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The whole job as the end-to-end tests run it: over an embedded broker's topics {@code frames} (2 partitions),
 * {@code events} and {@code dead}, with the default model and 30-frame clips, in the test's MiniCluster (parallelism 2).
 */
final class JobOnBroker {
    private JobOnBroker() {}

    static void createTopics(EmbeddedKafkaBroker broker) {
        broker.createTopics(List.of(Topics.FRAMES.newTopic("frames", 2), Topics.EMOTION_EVENTS.newTopic("events"),
                Topics.DEAD_LETTERS.newTopic("dead")));
    }

    /** The job's default settings for 30-frame clips, with this fair share. */
    static PipelineSettings settings(FairShareSettings share) {
        return new PipelineSettings(ModelDescriptor.load(ProjectPaths.defaultModel()),
                FaceStageSettings.defaults(DlibFaceDetector.DEBIAN_LANDMARK_MODEL.toString(),
                        FaceStageSettings.DEFAULT_KEYFRAME_INTERVAL),
                ClipSettings.defaults(30), new ScorerSettings(ScoringOptions.cpu(1, 4), 100),
                SmoothingSettings.defaults()).withFairShare(share);
    }

    /**
     * The job's graph on the broker, in an environment of the MiniCluster, ready to execute.
     *
     * @param bounded whether the source stops at the frames topic's end offsets (else it runs until cancelled, from
     *     the earliest offsets)
     */
    static StreamExecutionEnvironment define(EmbeddedKafkaBroker broker, boolean bounded, long checkpointMillis,
                                             String transactionalIdPrefix, PipelineSettings settings) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(2);
        env.enableCheckpointing(checkpointMillis);
        KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), "frames", "events", "dead", "schemas", "job",
                "earliest", bounded, transactionalIdPrefix, FrameLimits.defaults(), Map.of());
        EmotionJob.defineWorkflow(env, EmotionJob.kafkaSource(kafka), EmotionJob.eventSink(kafka),
                EmotionJob.deadLetterSink(kafka), settings);
        return env;
    }

    /** Sends a frame to the frames topic as a camera would, under its id, with this sequence number and capture time. */
    static void sendFrame(KafkaProducer<byte[], byte[]> producer, VideoFrame frame, String camera, long sequence,
                          long captureTime) {
        VideoFrame stamped = VideoFrame.newBuilder(frame).setCameraId(camera).setSequence(sequence)
                .setCaptureTime(Instant.ofEpochMilli(captureTime)).build();
        producer.send(new ProducerRecord<>("frames", camera.getBytes(StandardCharsets.UTF_8),
                SingleObject.encode(stamped)));
    }

    /** A read_committed consumer of the topic from its start, subscribed. */
    static KafkaConsumer<byte[], byte[]> readCommitted(EmbeddedKafkaBroker broker, String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }
}
