package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.schema.FrameEncoding;
import io.emotionstream.schema.VideoFrame;
import com.sun.net.httpserver.HttpServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against a real broker, on the sample webcam video shipped in the repo and on a folder of images. */
class CameraAgentTest {
    private static final Path SAMPLE = Path.of(System.getProperty("emotionstream.home", "..")).resolve("samples/video/cap13_edit2.mp4");
    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path temp;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopics(List.of(new NewTopic("video", 1, (short) 1), new NewTopic("folder", 1, (short) 1),
                new NewTopic("stream", 1, (short) 1)));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void publishesAVideoFileAsJpegFramesInOrder() throws Exception {
        AgentSettings settings = new AgentSettings("video", "max", false, 80, 640, 40, 100, 1_000);
        try (CameraAgent agent = CameraAgent.start(List.of(CameraSpec.parse("cam13=" + SAMPLE)), settings, kafka())) {
            assertTrue(agent.awaitEnd(Duration.ofSeconds(60)), "40 frames published");
            assertEquals(CameraStats.State.FINISHED, agent.stats().get(0).state());
        }
        List<ConsumerRecord<String, byte[]>> records = consume("video", 40);
        long lastCapture = 0;
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            assertEquals("cam13", record.key());
            VideoFrame frame = VideoFrame.fromByteBuffer(ByteBuffer.wrap(record.value()));
            assertEquals("cam13", frame.getCameraId());
            assertEquals(i, frame.getSequence());
            assertEquals(FrameEncoding.JPEG, frame.getEncoding());
            assertEquals(400, frame.getWidth());
            assertEquals(300, frame.getHeight());
            assertTrue(frame.getCaptureTime().toEpochMilli() >= lastCapture, "capture times do not go back");
            lastCapture = frame.getCaptureTime().toEpochMilli();
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(frame.getData().array()));
            assertNotNull(image, "frame " + i + " decodes as JPEG");
            assertEquals(400, image.getWidth());
        }
    }

    @Test
    void publishesAFolderOfImagesScaledToTheMaximumSize() throws Exception {
        for (int i = 0; i < 3; i++) {
            BufferedImage image = new BufferedImage(1000, 500, BufferedImage.TYPE_INT_RGB);
            image.setRGB(10 * i, 10, 0xffffff);
            ImageIO.write(image, "png", temp.resolve("frame" + i + ".png").toFile());
        }
        AgentSettings settings = new AgentSettings("folder", "50", false, 90, 640, 0, 100, 1_000);
        try (CameraAgent agent = CameraAgent.start(List.of(CameraSpec.parse("shelf=" + temp)), settings, kafka())) {
            assertTrue(agent.awaitEnd(Duration.ofSeconds(30)));
            assertEquals(CameraStats.State.FINISHED, agent.stats().get(0).state());
            assertEquals(3, agent.stats().get(0).framesSent());
        }
        List<ConsumerRecord<String, byte[]>> records = consume("folder", 3);
        VideoFrame first = VideoFrame.fromByteBuffer(ByteBuffer.wrap(records.get(0).value()));
        assertEquals(640, first.getWidth());
        assertEquals(320, first.getHeight());
    }

    @Test
    void reconnectsWithBackoffWhenAStreamCannotBeReached() throws Exception {
        AgentSettings settings = new AgentSettings("stream", "native", false, 80, 640, 0, 50, 200);
        CameraAgent agent = CameraAgent.start(List.of(CameraSpec.parse("gate=rtsp://127.0.0.1:9/none")), settings, kafka());
        CameraStats stats = agent.stats().get(0);
        long deadline = System.currentTimeMillis() + 30_000;
        while (stats.reconnects() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(stats.reconnects() >= 2, "kept trying: " + stats.reconnects());
        assertTrue(stats.lastError().contains("cannot open rtsp://127.0.0.1:9/none"), stats.lastError());
        long closing = System.nanoTime();
        agent.close();
        assertTrue(System.nanoTime() - closing < 15_000_000_000L, "stops promptly");
        assertTrue(!agent.running());
        assertEquals(0, stats.framesSent());
    }

    @Test
    void publishesAnHttpStreamAndReconnectsWhenItEnds() throws Exception {
        // a local HTTP server streams the sample video; when it ends the agent treats it as a dropped live stream
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] video = java.nio.file.Files.readAllBytes(SAMPLE);
        server.createContext("/cam.mp4", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "video/mp4");
            exchange.sendResponseHeaders(200, video.length);
            try (var body = exchange.getResponseBody()) {
                body.write(video);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/cam.mp4";
            AgentSettings settings = new AgentSettings("stream", "max", false, 80, 640, 0, 50, 200);
            try (CameraAgent agent = CameraAgent.start(List.of(CameraSpec.parse("web=" + url)), settings, kafka())) {
                CameraStats stats = agent.stats().get(0);
                long deadline = System.currentTimeMillis() + 60_000;
                while (stats.reconnects() < 1 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(stats.reconnects() >= 1, "reopened the stream after it ended");
                assertTrue(stats.framesSent() >= 700, "the whole video went out: " + stats.framesSent());
                assertEquals(0, stats.sendErrors());
            }
        } finally {
            server.stop(0);
        }
    }

    private static Map<String, String> kafka() {
        return Map.of("bootstrap.servers", broker.bootstrapServers());
    }

    private static List<ConsumerRecord<String, byte[]>> consume(String topic, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (records.size() < count && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertEquals(count, records.size(), "records on " + topic);
        return records;
    }
}
