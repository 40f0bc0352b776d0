package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.ingest.AgentSettings;
import io.emotionstream.ingest.CameraAgent;
import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.model.ScoringOptions;
import io.emotionstream.schema.DeadLetter;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.FrameEncoding;
import io.emotionstream.schema.LabelProbability;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.VideoFrame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole pipeline on real components: the camera agent publishes the sample webcam video into an embedded
 * broker, with a corrupt frame and a record that is no Avro in the middle; the job runs on a Flink MiniCluster
 * with checkpoints and exactly-once sinks; a read_committed consumer finds one event per clip and both bad records
 * in the dead-letter topic.
 */
class EmotionJobEndToEndTest {
    private static final int FRAMES = 300;
    private static final int CLIP = 30;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void videoToEmotionEventsExactlyOnceWithBadRecordsDeadLettered() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopics(List.of(new NewTopic("frames", 2, (short) 1), new NewTopic("events", 1, (short) 1),
                    new NewTopic("dead", 1, (short) 1)));
            publish(broker);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
            env.setParallelism(2);
            env.enableCheckpointing(1_000);
            KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), "frames", "events", "dead", "job",
                    "earliest", true, "e2e", 1 << 20, 4096, Map.of());
            PipelineSettings settings = new PipelineSettings(ModelDescriptor.load(ProjectPaths.defaultModel()),
                    new FaceStageSettings(DlibFaceDetector.DEBIAN_LANDMARK_MODEL.toString(), 0, 0.2),
                    ClipSettings.defaults(CLIP),
                    new ScorerSettings(4, 200, 1, ScoringOptions.Device.CPU), SmoothingSettings.defaults(),
                    500, 2_000, "frames");
            EmotionJob.defineWorkflow(env, EmotionJob.kafkaSource(kafka), EmotionJob.eventSink(kafka),
                    EmotionJob.deadLetterSink(kafka), settings);
            env.execute("emotion-job-e2e");

            List<EmotionEvent> events = new ArrayList<>();
            for (byte[] value : readCommitted(broker, "events", FRAMES / CLIP)) {
                events.add(EmotionEvent.fromByteBuffer(ByteBuffer.wrap(value)));
            }
            events.sort(Comparator.comparingLong(EmotionEvent::getFirstSequence));
            assertEquals(FRAMES / CLIP, events.size(), "one event per 30-frame clip");
            for (int i = 0; i < events.size(); i++) {
                EmotionEvent e = events.get(i);
                assertEquals("cam13", e.getCameraId());
                assertEquals((long) i * CLIP, e.getFirstSequence());
                assertEquals((long) i * CLIP + CLIP - 1, e.getLastSequence());
                assertTrue(e.getFramesUsed() > CLIP - 7, "frames with a face: " + e.getFramesUsed());
                float sum = 0;
                float best = 0;
                for (LabelProbability p : e.getProbabilities()) {
                    assertTrue(p.getProbability() >= 0 && p.getProbability() <= 1);
                    sum += p.getProbability();
                    best = Math.max(best, p.getProbability());
                }
                assertEquals(1.0, sum, 1e-3);
                assertEquals(best, e.getConfidence(), 1e-6);
                assertEquals(5, e.getProbabilities().size());
                assertTrue(e.getFaceBox() != null && e.getFaceBox().getWidth() > 40, "face box");
                assertTrue(!e.getClipEndTime().isBefore(e.getClipStartTime()));
            }

            List<String> reasons = new ArrayList<>();
            for (byte[] value : readCommitted(broker, "dead", 2)) {
                DeadLetter letter = DeadLetter.fromByteBuffer(ByteBuffer.wrap(value));
                reasons.add(letter.getReason());
                assertEquals("frames", letter.getSourceTopic());
            }
            reasons.sort(String::compareTo);
            assertEquals(List.of("NOT_AVRO", "UNDECODABLE_IMAGE"), reasons);
        }
    }

    /** The agent publishes the video; halfway, a corrupt JPEG frame and a plain-text record go in too. */
    private static void publish(EmbeddedKafkaBroker broker) throws Exception {
        String video = ProjectPaths.home().resolve("samples/video/cap13_edit2.mp4").toString();
        AgentSettings settings = new AgentSettings("frames", "100", false, 85, 640, FRAMES, 100, 1_000);
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers());
        try (CameraAgent agent = CameraAgent.start(List.of(CameraSpec.parse("cam13=" + video)), settings,
                Map.of("bootstrap.servers", broker.bootstrapServers()));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            while (agent.stats().get(0).framesSent() < FRAMES / 2) {
                Thread.sleep(20);
            }
            byte[] key = "cam13".getBytes(StandardCharsets.UTF_8);
            VideoFrame corrupt = VideoFrame.newBuilder().setCameraId("cam13").setSequence(1_000_000)
                    .setCaptureTime(Instant.now()).setWidth(400).setHeight(300).setEncoding(FrameEncoding.JPEG)
                    .setData(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0, 1, 2})).build();
            producer.send(new ProducerRecord<>("frames", key, SingleObject.encode(corrupt)));
            producer.send(new ProducerRecord<>("frames", key, "this is not an Avro record".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
            assertTrue(agent.awaitEnd(Duration.ofSeconds(120)), "agent finished");
            assertEquals(FRAMES, agent.stats().get(0).framesSent());
        }
    }

    private static List<byte[]> readCommitted(EmbeddedKafkaBroker broker, String topic, int atLeast) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            long quietUntil = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
                int before = values.size();
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                if (values.size() >= atLeast && values.size() == before && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.currentTimeMillis() + 2_000; // and nothing more after that
                }
            }
        }
        return values;
    }
}
