package io.emotionstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.ingest.AgentSettings;
import io.emotionstream.ingest.CameraAgent;
import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.ingest.CameraStats;
import io.emotionstream.kafka.access.TopicCreator;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.schema.Topics;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker (a process of its own on a fixed port, data in a folder) is killed with SIGKILL while a camera agent
 * publishes at 25 fps and the job runs on the standalone cluster, and started again 8 s later. The agent buffers what
 * it could not send and sends it after, the job fails its checkpoint, restarts (bounded exponential delay) and
 * resumes: every clip comes out exactly once. The figures go to {@code target/failure-tests/broker-kill.json}.
 */
class BrokerRestartTest {
    private static final int FRAMES = 450;

    @TempDir
    Path temp;

    @Test
    void theAgentAndTheJobRecoverFromABrokerKilledAndRestarted() throws Exception {
        Path jar = ClusterJobs.jobJar();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String bootstrap = "127.0.0.1:" + port;
        Path data = temp.resolve("kafka");
        Process broker = BrokerProcess.start(port, data, temp.resolve("broker.log"));
        try (StandaloneCluster cluster = StandaloneCluster.start(new StandaloneCluster.Settings(temp.resolve("flink"),
                StandaloneCluster.defaultFlinkLib(ProjectPaths.home()), 1, 2, 0, Map.of()))) {
            TopicCreator.createMissing(bootstrap, List.of(Topics.FRAMES.newTopic(CameraFeed.FRAMES, 2),
                    Topics.EMOTION_EVENTS.newTopic(CameraFeed.EVENTS), Topics.DEAD_LETTERS.newTopic(CameraFeed.DEAD)));
            String job = ClusterJobs.submit(cluster, jar, bootstrap, temp.resolve("flink"));
            AgentSettings settings = new AgentSettings(CameraFeed.FRAMES, "25", false, AgentSettings.DEFAULT_JPEG_QUALITY,
                    AgentSettings.DEFAULT_MAX_SIDE, FRAMES, 1_000, 30_000);
            try (CameraAgent agent = CameraAgent.start(List.of(CameraSpec.parse("cam="
                    + ProjectPaths.home().resolve("samples/video/cap13_edit2.mp4"))), settings,
                    Map.of("bootstrap.servers", bootstrap))) {
                CameraFeed.awaitEvents(bootstrap, 3, Duration.ofMinutes(3), () -> true);
                int before = CameraFeed.events(bootstrap).size();
                long killedAt = System.currentTimeMillis();
                broker.destroyForcibly().waitFor();
                CameraFeed.sleep(8_000);
                broker = BrokerProcess.start(port, data, temp.resolve("broker.log"));
                agent.awaitEnd(Duration.ofMinutes(3));
                CameraStats stats = agent.stats().get(0);
                assertEquals(FRAMES, stats.framesSent(), "the agent sent every frame, after the outage too");
                assertEquals(0, stats.sendErrors(), "no frame failed to send");
                CameraFeed.awaitEvents(bootstrap, before + 1, Duration.ofMinutes(3),
                        () -> !"FAILED".equals(cluster.jobState(job)));
                long recovery = System.currentTimeMillis() - killedAt;
                CameraFeed.awaitEvents(bootstrap, FRAMES / CameraFeed.CLIP, Duration.ofMinutes(3),
                        () -> !"FAILED".equals(cluster.jobState(job)));
                CameraFeed.sleep(5_000); // nothing more comes (no repeats) after that
                Map<Long, Integer> clips = CameraFeed.clipsInEvents(bootstrap);
                ClusterJobs.report("broker-kill", FRAMES, clips, recovery, cluster.jobState(job));
                assertEquals(CameraFeed.expectedClips(FRAMES), clips, "every clip exactly once across the outage");
            }
        } finally {
            broker.destroyForcibly().waitFor();
        }
    }
}
