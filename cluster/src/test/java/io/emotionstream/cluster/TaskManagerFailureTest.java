package io.emotionstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ProjectPaths;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar on a standalone Flink cluster of separate JVMs (a JobManager, two TaskManagers of one slot each),
 * submitted with Flink's CLI; a camera publishes 18 s of video at 25 fps; mid-stream (after its first clips came out,
 * while the rest of its frames are being published) one TaskManager is killed with SIGKILL and a replacement started. The job restores from its last checkpoint onto the new TaskManager, and every
 * clip of the camera comes out exactly once (read_committed): none lost, none repeated. The figures go to
 * {@code target/failure-tests/taskmanager-kill.json}.
 */
class TaskManagerFailureTest {
    private static final int FRAMES = 450;
    /** Frames published before the kill: five clips, so that most clips must come out after it. */
    private static final int BEFORE_KILL = 150;

    @TempDir
    Path temp;

    @Test
    void aKilledTaskManagerIsReplacedAndNoClipIsLostOrRepeated() throws Exception {
        Path jar = ClusterJobs.jobJar();
        CameraFeed feed = new CameraFeed("cam", FRAMES);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             StandaloneCluster cluster = StandaloneCluster.start(new StandaloneCluster.Settings(temp.resolve("flink"),
                     StandaloneCluster.defaultFlinkLib(ProjectPaths.home()), 2, 1, 0, Map.of()));
             KafkaProducer<byte[], byte[]> producer = CameraFeed.producer(broker.bootstrapServers())) {
            String bootstrap = broker.bootstrapServers();
            CameraFeed.createTopics(broker, 2);
            String job = ClusterJobs.submit(cluster, jar, bootstrap, temp.resolve("flink"));
            feed.publish(producer, 0, BEFORE_KILL, 25);

            CameraFeed.awaitEvents(bootstrap, 4, Duration.ofMinutes(3), () -> !"FAILED".equals(cluster.jobState(job)));
            String scraped = prometheus();
            Files.createDirectories(Path.of("target", "failure-tests"));
            Files.writeString(Path.of("target", "failure-tests", "prometheus.txt"), scraped);
            for (String metric : List.of("flink_taskmanager_job_task_operator_framesIn{",
                    "flink_taskmanager_job_task_operator_clipsScored{", "clipsDropped{",
                    "flink_jobmanager_job_lastCheckpointDuration{")) {
                assertTrue(scraped.contains(metric), metric + " not among the Prometheus metrics");
            }
            int before = CameraFeed.events(bootstrap).size();
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                try {
                    feed.publish(producer, BEFORE_KILL, FRAMES, 25);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long killedAt = System.currentTimeMillis();
            cluster.taskManagers().get(0).destroyForcibly().waitFor();
            cluster.addTaskManager();
            CameraFeed.awaitEvents(bootstrap, before + 1, Duration.ofMinutes(3), () -> true);
            long recovery = System.currentTimeMillis() - killedAt;
            publishing.get();
            CameraFeed.awaitEvents(bootstrap, FRAMES / CameraFeed.CLIP, Duration.ofMinutes(3),
                    () -> !"FAILED".equals(cluster.jobState(job)));
            CameraFeed.sleep(5_000); // nothing more comes (no repeats) after that
            Map<Long, Integer> clips = CameraFeed.clipsInEvents(bootstrap);
            ClusterJobs.report("taskmanager-kill", FRAMES, clips, recovery, cluster.jobState(job));
            assertEquals(CameraFeed.expectedClips(FRAMES), clips, "every clip exactly once");
        }
    }

    /** What Prometheus scrapes from the cluster's processes (the reporter's ports 9250-9270 of its config). */
    private static String prometheus() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        StringBuilder all = new StringBuilder();
        for (int port = 9250; port <= 9270; port++) {
            try {
                all.append(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body());
            } catch (IOException e) {
                // no reporter on this port
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return all.toString();
    }
}
