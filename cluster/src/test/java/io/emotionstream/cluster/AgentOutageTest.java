package io.emotionstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.ingest.AgentSettings;
import io.emotionstream.ingest.CameraAgent;
import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.ingest.CameraStats;
import io.emotionstream.kafka.access.TopicCreator;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.Topics;
import io.emotionstream.schema.VideoFrame;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker (a process of its own) is killed for 90 s, longer than a producer's default send timeouts, while a camera
 * agent publishes at 25 fps: the agent keeps the frames it cannot send in the camera's send queue and sends them after,
 * so the frames topic holds every frame once, in order, and none was dropped.
 */
class AgentOutageTest {
    private static final int FPS = 25;
    private static final int OUTAGE_SECONDS = 90;
    private static final int FRAMES = FPS * (5 + OUTAGE_SECONDS + 5);

    @TempDir
    Path temp;

    @Test
    void noFrameIsLostToA90SecondBrokerOutage() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String bootstrap = "127.0.0.1:" + port;
        Path data = temp.resolve("kafka");
        Process broker = BrokerProcess.start(port, data, temp.resolve("broker.log"));
        try {
            TopicCreator.createMissing(bootstrap, List.of(Topics.FRAMES.newTopic(CameraFeed.FRAMES, 1)));
            AgentSettings settings = new AgentSettings(CameraFeed.FRAMES, "" + FPS, true, 80, 320, FRAMES, 1_000,
                    30_000);
            CameraStats stats;
            try (CameraAgent agent = CameraAgent.start(List.of(CameraSpec.parse("cam="
                    + ProjectPaths.home().resolve("samples/video/cap13_edit2.mp4"))), settings,
                    Map.of("bootstrap.servers", bootstrap))) {
                stats = agent.stats().get(0);
                while (stats.framesSent() < FPS * 4) {
                    Thread.sleep(50);
                }
                broker.destroyForcibly().waitFor();
                CameraFeed.sleep(OUTAGE_SECONDS * 1_000L);
                long sentDuringOutage = stats.framesSent();
                broker = BrokerProcess.start(port, data, temp.resolve("broker.log"));
                assertTrue(agent.awaitEnd(Duration.ofMinutes(3)), "the agent finished");
                assertTrue(sentDuringOutage < FPS * 6, "nothing was acknowledged while the broker was down");
            }
            assertEquals(0, stats.framesDropped(), "no frame dropped");
            assertEquals(0, stats.sendErrors(), "no frame failed: " + stats.lastError());
            assertEquals(FRAMES, stats.framesSent());

            List<Long> sequences = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "check",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.FRAME_MAX_MESSAGE_BYTES),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(CameraFeed.FRAMES));
                long deadline = System.currentTimeMillis() + 60_000;
                while (sequences.size() < FRAMES && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        sequences.add(SingleObject.decode(VideoFrame.class, r.value()).getSequence());
                    }
                }
            }
            assertEquals(FRAMES, sequences.size(), "every frame once");
            for (int i = 0; i < FRAMES; i++) {
                if (sequences.get(i) != i) {
                    throw new AssertionError("frame " + i + " is " + sequences.get(i) + " in the topic");
                }
            }
        } finally {
            broker.destroyForcibly().waitFor();
        }
    }
}
