package io.emotionstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.schema.EmotionEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding a machine to a running job: the standalone cluster runs Flink's adaptive scheduler, the job jar is submitted
 * with {@code --parallelism 2} to a cluster of one TaskManager with one slot, so it runs at parallelism 1; four cameras
 * publish at 25 fps; mid-stream a second TaskManager joins ({@code cluster add-taskmanager}). The job rescales to 2 by
 * itself from a checkpoint, the keyed state (clips in progress, face tracks) is spread over both subtasks, and every
 * clip of every camera comes out exactly once (read_committed). The figures go to
 * {@code target/failure-tests/scale-out.json} (recovery: from the TaskManager's start to both subtasks running).
 */
class ScaleOutTest {
    private static final int FRAMES = 450;
    private static final int BEFORE_SCALING = 150;
    private static final List<String> CAMERAS = List.of("cam-a", "cam-b", "cam-c", "cam-d");

    @TempDir
    Path temp;

    @Test
    void aJobRescalesOntoAnAddedTaskManagerAndNoClipIsLostOrRepeated() throws Exception {
        Path jar = ClusterJobs.jobJar();
        List<CameraFeed> feeds = new ArrayList<>();
        for (String camera : CAMERAS) {
            feeds.add(new CameraFeed(camera, FRAMES));
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             StandaloneCluster cluster = StandaloneCluster.start(new StandaloneCluster.Settings(temp.resolve("flink"),
                     StandaloneCluster.defaultFlinkLib(ProjectPaths.home()), 1, 1, 0, Map.of()));
             KafkaProducer<byte[], byte[]> producer = CameraFeed.producer(broker.bootstrapServers())) {
            String bootstrap = broker.bootstrapServers();
            CameraFeed.createTopics(broker, 4);
            String job = ClusterJobs.submit(cluster, jar, bootstrap, temp.resolve("flink"));
            publish(feeds, producer, 0, BEFORE_SCALING);
            CameraFeed.awaitEvents(bootstrap, 8, Duration.ofMinutes(3), () -> !"FAILED".equals(cluster.jobState(job)));
            assertEquals(1, parallelism(cluster, job), "one slot: the job runs at parallelism 1");

            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> publish(feeds, producer,
                    BEFORE_SCALING, 2 * BEFORE_SCALING));
            long added = System.currentTimeMillis();
            cluster.addTaskManager();
            long deadline = added + 180_000;
            while (runningSubtasks(cluster, job) < 2 && System.currentTimeMillis() < deadline) {
                CameraFeed.sleep(500);
            }
            long rescaled = System.currentTimeMillis() - added;
            assertEquals(2, runningSubtasks(cluster, job), "the job took the new TaskManager's slot");
            publishing.get();
            publish(feeds, producer, 2 * BEFORE_SCALING, FRAMES); // all on the rescaled job
            CameraFeed.awaitEvents(bootstrap, CAMERAS.size() * FRAMES / CameraFeed.CLIP, Duration.ofMinutes(3),
                    () -> !"FAILED".equals(cluster.jobState(job)));
            CameraFeed.sleep(5_000); // nothing more comes (no repeats) after that
            Map<String, Map<Long, Integer>> clips = new TreeMap<>();
            for (EmotionEvent e : CameraFeed.events(bootstrap)) {
                clips.computeIfAbsent(e.getCameraId().toString(), c -> new TreeMap<>())
                        .merge(e.getFirstSequence(), 1, Integer::sum);
            }
            Map<String, Map<Long, Integer>> expected = new TreeMap<>();
            CAMERAS.forEach(camera -> expected.put(camera, CameraFeed.expectedClips(FRAMES)));
            ClusterJobs.report("scale-out", expected, clips, rescaled, cluster.jobState(job));
            for (String camera : CAMERAS) {
                assertEquals(CameraFeed.expectedClips(FRAMES), clips.get(camera), camera + ": every clip exactly once");
            }
            long metricsDeadline = System.currentTimeMillis() + 30_000; // the REST API's metrics lag by up to 10 s
            while (subtasksWithRecords(cluster, job) < 2 && System.currentTimeMillis() < metricsDeadline) {
                CameraFeed.sleep(1_000);
            }
            assertEquals(2, subtasksWithRecords(cluster, job), "the keyed work is spread over both subtasks");
        }
    }

    private static void publish(List<CameraFeed> feeds, KafkaProducer<byte[], byte[]> producer, int from, int to) {
        List<CompletableFuture<Void>> cameras = new ArrayList<>();
        for (CameraFeed feed : feeds) {
            cameras.add(CompletableFuture.runAsync(() -> {
                try {
                    feed.publish(producer, from, to, 25);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        cameras.forEach(CompletableFuture::join);
    }

    /** The highest parallelism among the job's vertices, as the REST API reports it. */
    private static int parallelism(StandaloneCluster cluster, String job) {
        int most = 0;
        for (JsonNode vertex : cluster.rest("/jobs/" + job).path("vertices")) {
            most = Math.max(most, vertex.path("parallelism").asInt());
        }
        return most;
    }

    /** The fewest running subtasks among the job's vertices (0 while it restarts). */
    private static int runningSubtasks(StandaloneCluster cluster, String job) {
        JsonNode state = cluster.rest("/jobs/" + job);
        int fewest = Integer.MAX_VALUE;
        for (JsonNode vertex : state.path("vertices")) {
            fewest = Math.min(fewest, vertex.path("tasks").path("RUNNING").asInt());
        }
        return "RUNNING".equals(state.path("state").asText()) && fewest != Integer.MAX_VALUE ? fewest : 0;
    }

    /** Subtasks of the clip stage's vertex that read records since the rescale. */
    private static int subtasksWithRecords(StandaloneCluster cluster, String job) {
        for (JsonNode vertex : cluster.rest("/jobs/" + job).path("vertices")) {
            if (vertex.path("name").asText().contains("clip")) {
                int busy = 0;
                for (JsonNode subtask : cluster.rest("/jobs/" + job + "/vertices/" + vertex.path("id").asText())
                        .path("subtasks")) {
                    busy += subtask.path("metrics").path("read-records").asLong() > 0 ? 1 : 0;
                }
                return busy;
            }
        }
        throw new AssertionError("no clip stage among the job's vertices");
    }
}
