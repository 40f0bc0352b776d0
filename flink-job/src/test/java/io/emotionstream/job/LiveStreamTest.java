package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.ingest.AgentSettings;
import io.emotionstream.ingest.CameraAgent;
import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.ingest.CameraStats;
import io.emotionstream.ingest.CapturedFrame;
import io.emotionstream.ingest.FrameSource;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.schema.EmotionEvent;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real network cameras: an RTSP server (GStreamer's, RTP/JPEG) and an HTTP MJPEG server stream the sample video's
 * frames at 25 fps (src/test/python/stream_server.py, Debian's python3-gi and GStreamer); the camera agent publishes
 * both into a real broker and the job makes clips of them. Both servers are killed for 15 s: the agent reconnects
 * (backing off meanwhile) and both cameras' clips resume.
 */
class LiveStreamTest {
    private static final Path SERVER = ProjectPaths.home().resolve("flink-job/src/test/python/stream_server.py");

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path temp;

    @Test
    void theAgentReconnectsToRtspAndMjpegStreamsAndTheirClipsResume() throws Exception {
        Path frames = writeFrames(temp.resolve("frames"), 100);
        int rtspPort = freePort();
        int httpPort = freePort();
        Process rtsp = startServer("rtsp", rtspPort, frames);
        Process http = startServer("http", httpPort, frames);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            JobOnBroker.createTopics(broker);
            JobClient job = JobOnBroker.define(broker, false, 500, "live",
                    JobOnBroker.settings(FairShareSettings.defaults())).executeAsync("live-streams");
            AgentSettings settings = new AgentSettings("frames", "native", false, 85, 640, 0, 500, 2_000);
            try (CameraAgent agent = CameraAgent.start(List.of(
                         CameraSpec.parse("rtsp=rtsp://127.0.0.1:" + rtspPort + "/camera"),
                         CameraSpec.parse("mjpeg=http://127.0.0.1:" + httpPort + "/camera.mjpg")), settings,
                    Map.of("bootstrap.servers", broker.bootstrapServers()));
                 KafkaConsumer<byte[], byte[]> events = JobOnBroker.readCommitted(broker, "events")) {
                long started = System.currentTimeMillis();
                List<EmotionEvent> seen = new ArrayList<>();
                awaitClips(events, seen, 0, Duration.ofSeconds(90), agent);

                rtsp.destroyForcibly().waitFor();
                http.destroyForcibly().waitFor();
                Thread.sleep(15_000);
                for (CameraStats camera : agent.stats()) {
                    assertEquals(CameraStats.State.RECONNECTING, camera.state(), camera.cameraId());
                    assertTrue(camera.reconnects() >= 1, camera.cameraId() + " tried again");
                }
                long restarted = System.currentTimeMillis();
                rtsp = startServer("rtsp", rtspPort, frames);
                http = startServer("http", httpPort, frames);
                awaitClips(events, seen, restarted, Duration.ofSeconds(90), agent);
                double seconds = (System.currentTimeMillis() - started) / 1000.0;
                for (CameraStats camera : agent.stats()) {
                    assertEquals(CameraStats.State.STREAMING, camera.state(), camera.cameraId());
                    assertTrue(camera.framesSent() <= 26 * seconds, camera.cameraId() + " streams at 25 fps: "
                            + camera.framesSent() + " frames in " + seconds + " s");
                }
            } finally {
                job.cancel().get();
            }
        } finally {
            rtsp.destroyForcibly().waitFor();
            http.destroyForcibly().waitFor();
        }
    }

    /** Waits until both cameras have two events of clips that began after {@code since}. */
    private static void awaitClips(KafkaConsumer<byte[], byte[]> events, List<EmotionEvent> seen, long since,
                                   Duration timeout, CameraAgent agent) throws IOException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : events.poll(Duration.ofMillis(200))) {
                seen.add(EmotionEvent.fromByteBuffer(ByteBuffer.wrap(r.value())));
            }
            long rtsp = clipsSince(seen, "rtsp", since);
            long mjpeg = clipsSince(seen, "mjpeg", since);
            if (rtsp >= 2 && mjpeg >= 2) {
                return;
            }
        }
        throw new AssertionError("clips of both cameras after " + since + ": rtsp " + clipsSince(seen, "rtsp", since)
                + ", mjpeg " + clipsSince(seen, "mjpeg", since) + "; cameras: " + agent.stats().stream()
                .map(c -> c.cameraId() + " " + c.state() + " " + c.framesSent() + " frames, " + c.lastError()).toList());
    }

    private static long clipsSince(List<EmotionEvent> events, String camera, long since) {
        return events.stream().filter(e -> e.getCameraId().equals(camera)
                && e.getClipStartTime().toEpochMilli() >= since).count();
    }

    /** The sample video's first frames as numbered JPEG files (baseline, 4:2:0: what RTP/JPEG carries). */
    private static Path writeFrames(Path folder, int count) throws Exception {
        Files.createDirectories(folder);
        String video = ProjectPaths.home().resolve("samples/video/cap13_edit2.mp4").toString();
        try (FrameSource source = CameraSpec.parse("cam=" + video).openSource()) {
            source.open();
            for (int i = 0; i < count; i++) {
                CapturedFrame frame = source.grab();
                ImageIO.write(frame.image(), "jpg", folder.resolve(String.format("%05d.jpg", i)).toFile());
            }
        }
        return folder;
    }

    private static Process startServer(String kind, int port, Path frames) throws Exception {
        Process server = new ProcessBuilder("/usr/bin/python3", SERVER.toString(), kind, "" + port, frames.toString())
                .redirectErrorStream(true)
                .redirectOutput(frames.resolveSibling(kind + "-server.log").toFile())
                .start();
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return server;
            } catch (IOException notYet) {
                if (!server.isAlive()) {
                    throw new AssertionError(kind + " server ended: "
                            + Files.readString(frames.resolveSibling(kind + "-server.log")));
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError(kind + " server did not listen on " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
