package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.ingest.AgentSettings;
import io.emotionstream.ingest.CameraAgent;
import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.schema.DeadLetter;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.FrameEncoding;
import io.emotionstream.schema.LabelProbability;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.Topics;
import io.emotionstream.schema.VideoFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole pipeline on real components: the camera agent publishes the sample webcam video into an embedded
 * broker whose topics are created as declared (frames stamped with the broker's time, larger messages than the job
 * reads); in the middle, poisoned records go in on the camera's own partition: a corrupt JPEG, a record that is no
 * Avro, a frame captured in the year 2100, a 5 MiB record and a repeat of a frame the agent just sent. The job runs
 * on a Flink MiniCluster with checkpoints and exactly-once sinks; a read_committed consumer finds one event per clip
 * with the clip boundaries undisturbed, and the four bad records in the dead-letter topic, each with its reason.
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
            JobOnBroker.createTopics(broker);
            publish(broker);

            // the agent publishes at 100 fps
            JobOnBroker.define(broker, true, 1_000, "e2e", JobOnBroker.settings(new FairShareSettings(200, 10, 10, 30_000)))
                    .execute("emotion-job-e2e");

            List<EmotionEvent> events = new ArrayList<>();
            for (byte[] value : readCommitted(broker, "events", FRAMES / CLIP)) {
                events.add(EmotionEvent.fromByteBuffer(ByteBuffer.wrap(value)));
            }
            events.sort(Comparator.comparingLong(EmotionEvent::getFirstSequence));
            int[] read = ModelDescriptor.load(ProjectPaths.defaultModel()).frameIndices();
            assertEquals(FRAMES / CLIP, events.size(), "one event per 30-frame clip");
            for (int i = 0; i < events.size(); i++) {
                EmotionEvent e = events.get(i);
                assertEquals("cam13", e.getCameraId());
                assertEquals(1, e.getFaceTrack(), "one face, followed throughout");
                assertEquals(1, e.getFacesInView());
                assertEquals(i == 0 ? read[0] : (long) i * CLIP, e.getFirstSequence(),
                        "the face's first clip from the first frame it was looked for in, the next ones whole");
                assertEquals((long) i * CLIP + CLIP - 1, e.getLastSequence());
                assertEquals(read.length, e.getFramesLookedAt(), "the frames the model reads, each looked at");
                assertTrue(e.getFramesUsed() >= read.length - 1 && e.getFramesUsed() <= read.length,
                        "frames looked at with a face: " + e.getFramesUsed());
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
            for (byte[] value : readCommitted(broker, "dead", 4)) {
                DeadLetter letter = DeadLetter.fromByteBuffer(ByteBuffer.wrap(value));
                reasons.add(letter.getReason());
                assertEquals("frames", letter.getSourceTopic());
            }
            reasons.sort(String::compareTo);
            assertEquals(List.of("CAPTURE_TIME_AHEAD", "NOT_AVRO", "OVERSIZED_RECORD", "UNDECODABLE_IMAGE"), reasons,
                    "the repeated frame is dropped, not dead-lettered");
        }
    }

    /** The agent publishes the video; halfway, the poisoned records go in on the camera's key too. */
    private static void publish(EmbeddedKafkaBroker broker) throws Exception {
        String video = ProjectPaths.home().resolve("samples/video/cap13_edit2.mp4").toString();
        AgentSettings settings = new AgentSettings("frames", "100", false, 85, 640, FRAMES, 100, 1_000);
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(),
                "max.request.size", Topics.FRAME_MAX_MESSAGE_BYTES);
        try (CameraAgent agent = CameraAgent.start(List.of(CameraSpec.parse("cam13=" + video)), settings,
                Map.of("bootstrap.servers", broker.bootstrapServers()));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            while (agent.stats().get(0).framesSent() < FRAMES / 2) {
                Thread.sleep(20);
            }
            byte[] key = "cam13".getBytes(StandardCharsets.UTF_8);
            // on a frame the model reads (the face stage decodes no other)
            long readSequence = 1_000_020 + ModelDescriptor.load(ProjectPaths.defaultModel()).frameIndices()[0];
            VideoFrame corrupt = VideoFrame.newBuilder().setCameraId("cam13").setSequence(readSequence)
                    .setCaptureTime(Instant.now()).setWidth(400).setHeight(300).setEncoding(FrameEncoding.JPEG)
                    .setData(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0, 1, 2})).build();
            producer.send(new ProducerRecord<>("frames", key, SingleObject.encode(corrupt)));
            producer.send(new ProducerRecord<>("frames", key, "this is not an Avro record".getBytes(StandardCharsets.UTF_8)));
            VideoFrame from2100 = VideoFrame.newBuilder(corrupt).setSequence(2_000_000)
                    .setCaptureTime(Instant.parse("2100-01-01T00:00:00Z")).build();
            producer.send(new ProducerRecord<>("frames", key, SingleObject.encode(from2100)));
            producer.send(new ProducerRecord<>("frames", key, new byte[5 << 20]));
            producer.flush();
            producer.send(new ProducerRecord<>("frames", key, latestFrame(broker))).get();
            assertTrue(agent.awaitEnd(Duration.ofSeconds(120)), "agent finished");
            assertEquals(FRAMES, agent.stats().get(0).framesSent());
        }
    }

    /** The newest frame the agent has sent (the newest record on the camera's partition that is one). */
    private static byte[] latestFrame(EmbeddedKafkaBroker broker) throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.FRAME_MAX_MESSAGE_BYTES),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            byte[] latest = null;
            for (int p = 0; p < 2; p++) {
                TopicPartition partition = new TopicPartition("frames", p);
                consumer.assign(List.of(partition));
                consumer.seekToEnd(List.of(partition));
                long end = consumer.position(partition);
                consumer.seek(partition, Math.max(0, end - 20));
                while (consumer.position(partition) < end) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        try {
                            if (SingleObject.decode(VideoFrame.class, r.value()).getSequence() < FRAMES) {
                                latest = r.value();
                            }
                        } catch (IOException | RuntimeException notAFrame) {
                            // a poisoned record
                        }
                    }
                }
            }
            if (latest == null) {
                throw new AssertionError("no frame to repeat");
            }
            return latest;
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
