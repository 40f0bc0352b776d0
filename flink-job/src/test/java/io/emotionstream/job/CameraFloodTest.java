package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.ingest.AgentSettings;
import io.emotionstream.ingest.CameraAgent;
import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.ingest.CapturedFrame;
import io.emotionstream.ingest.FrameEncoder;
import io.emotionstream.ingest.FrameSource;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.schema.DeadLetter;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.Topics;
import io.emotionstream.schema.VideoFrame;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flood rows of an operator's worst week, beside a real camera, through a real broker and the whole job: while the
 * camera agent publishes the sample video at 25 fps, 5,000 new camera ids send one frame each within 15 s, and then
 * one camera sends ~230 frames a second for 15 s. The real camera's events all come, each within 2 s of its clip's
 * end; the floods are cut down and reported by dead letters, not queued, and the job's state stays small.
 */
class CameraFloodTest {
    private static final int FRAMES = 900; // 36 s at 25 fps: through both floods
    private static final int CLIP = 30;
    private static final Logger LOG = LoggerFactory.getLogger(CameraFloodTest.class);

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void aRealCameraKeepsItsLatencyBesideFloods(@InjectClusterClient ClusterClient<?> cluster) throws Exception {
        String video = ProjectPaths.home().resolve("samples/video/cap13_edit2.mp4").toString();
        VideoFrame image = oneFrame(video);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            JobOnBroker.createTopics(broker);
            JobClient job = JobOnBroker.define(broker, false, 500, "flood",
                    JobOnBroker.settings(FairShareSettings.defaults())).executeAsync("camera-flood");
            try (KafkaConsumer<byte[], byte[]> events = JobOnBroker.readCommitted(broker, "events");
                 KafkaConsumer<byte[], byte[]> dead = JobOnBroker.readCommitted(broker, "dead")) {
                Thread.sleep(5_000); // the job reads from the end: let it start

                List<Long> latencies = new ArrayList<>();
                AgentSettings agentSettings = new AgentSettings("frames", "native", true, 85, 640, FRAMES, 100, 1_000);
                Thread floods = new Thread(() -> flood(broker, image), "floods");
                try (CameraAgent agent = CameraAgent.start(List.of(CameraSpec.parse("door=" + video)), agentSettings,
                        Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                    Thread.sleep(1_500);
                    floods.start();
                    long deadline = System.currentTimeMillis() + 60_000;
                    while (latencies.size() < FRAMES / CLIP && System.currentTimeMillis() < deadline) {
                        for (ConsumerRecord<byte[], byte[]> r : events.poll(Duration.ofMillis(50))) {
                            long now = System.currentTimeMillis();
                            EmotionEvent e = EmotionEvent.fromByteBuffer(ByteBuffer.wrap(r.value()));
                            if (e.getCameraId().equals("door")) {
                                latencies.add(now - e.getClipEndTime().toEpochMilli());
                            }
                        }
                    }
                    floods.join();
                }
                assertEquals(FRAMES / CLIP, latencies.size(), "every clip of the real camera: " + latencies);
                long worst = latencies.stream().mapToLong(Long::longValue).max().orElseThrow();
                LOG.info("the real camera's latency beside the floods, clip end to readable event (ms): {}", latencies);
                assertTrue(worst < 2_000, "the real camera's latency, clip end to readable event (ms): " + latencies);

                List<String> reasons = new ArrayList<>();
                long quietUntil = System.currentTimeMillis() + 3_000;
                while (System.currentTimeMillis() < quietUntil) {
                    for (ConsumerRecord<byte[], byte[]> r : dead.poll(Duration.ofMillis(200))) {
                        reasons.add(DeadLetter.fromByteBuffer(ByteBuffer.wrap(r.value())).getReason().toString());
                    }
                }
                assertTrue(reasons.contains("OVER_RATE") && reasons.contains("CAMERA_REFUSED"), reasons.toString());
                assertTrue(reasons.size() < 100, "a dead letter a second per reason, not one per frame: "
                        + reasons.size());
                long stateBytes = latestCheckpointSize(cluster, job);
                LOG.info("the job's latest checkpoint after the floods: {} bytes", stateBytes);
                assertTrue(stateBytes < 4 << 20, "state bounded by the cameras let in (the probe saw 130 MB): "
                        + stateBytes + " bytes");
            } finally {
                job.cancel().get();
            }
        }
    }

    /** The state size of the job's latest completed checkpoint, from the MiniCluster's REST API. */
    private static long latestCheckpointSize(ClusterClient<?> cluster, JobClient job) throws Exception {
        URI uri = URI.create(cluster.getWebInterfaceURL() + "/jobs/" + job.getJobID() + "/checkpoints");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode completed = new ObjectMapper().readTree(response.body()).at("/latest/completed");
        assertTrue(completed.has("state_size"), "a completed checkpoint: " + response.body());
        return completed.get("state_size").asLong();
    }

    /** 5,000 new camera ids with a frame each over 15 s; then one camera at ~230 fps for 15 s. */
    private static void flood(EmbeddedKafkaBroker broker, VideoFrame image) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", broker.bootstrapServers(), "max.request.size", Topics.FRAME_MAX_MESSAGE_BYTES,
                "linger.ms", 5), new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.currentTimeMillis();
            for (int newIds = 0; newIds < 5_000; ) {
                long now = System.currentTimeMillis();
                while (newIds < (now - start) / 3 && newIds < 5_000) { // one new id every 3 ms
                    JobOnBroker.sendFrame(producer, image, "new-" + newIds++, 0, now);
                }
                Thread.sleep(1);
            }
            long fastStart = System.currentTimeMillis();
            for (long sequence = 0; System.currentTimeMillis() - fastStart < 15_000; sequence++) {
                JobOnBroker.sendFrame(producer, image, "fast", sequence, System.currentTimeMillis());
                Thread.sleep(4); // ~230 frames a second
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static VideoFrame oneFrame(String video) throws Exception {
        try (FrameSource source = CameraSpec.parse("cam=" + video).openSource()) {
            source.open();
            CapturedFrame frame = source.grab();
            return FrameEncoder.agentDefaults().encode("cam", 0, 0, frame.image());
        }
    }
}
