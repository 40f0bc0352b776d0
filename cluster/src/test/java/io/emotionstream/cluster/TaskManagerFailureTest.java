package io.emotionstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar on a standalone Flink cluster of separate JVMs (a JobManager, two TaskManagers of one slot each),
 * submitted with Flink's CLI; a camera publishes 18 s of video at 25 fps; mid-stream one TaskManager is killed with
 * SIGKILL and a replacement started. The job restores from its last checkpoint onto the new TaskManager, and every
 * clip of the camera comes out exactly once (read_committed): none lost, none repeated. The figures go to
 * {@code target/failure-tests/taskmanager-kill.json}.
 */
class TaskManagerFailureTest {
    private static final int FRAMES = 450;

    @TempDir
    Path temp;

    @Test
    void aKilledTaskManagerIsReplacedAndNoClipIsLostOrRepeated() throws Exception {
        Path jar = jobJar();
        CameraFeed feed = new CameraFeed("cam", FRAMES);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             StandaloneCluster cluster = StandaloneCluster.start(new StandaloneCluster.Settings(temp.resolve("flink"),
                     StandaloneCluster.defaultFlinkLib(ProjectPaths.home()), 2, 1, 0, Map.of()));
             KafkaProducer<byte[], byte[]> producer = CameraFeed.producer(broker.bootstrapServers())) {
            String bootstrap = broker.bootstrapServers();
            CameraFeed.createTopics(broker, 2);
            String job = submit(cluster, jar, bootstrap, temp.resolve("flink"));
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                try {
                    feed.publish(producer, 0, FRAMES, 25);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            CameraFeed.awaitEvents(bootstrap, 4, Duration.ofMinutes(3), () -> !publishing.isCompletedExceptionally());
            String scraped = prometheus();
            Files.createDirectories(Path.of("target", "failure-tests"));
            Files.writeString(Path.of("target", "failure-tests", "prometheus.txt"), scraped);
            for (String metric : List.of("flink_taskmanager_job_task_operator_framesIn{",
                    "flink_taskmanager_job_task_operator_clipsScored{", "clipsDropped{",
                    "flink_jobmanager_job_lastCheckpointDuration{")) {
                assertTrue(scraped.contains(metric), metric + " not among the Prometheus metrics");
            }
            int before = CameraFeed.events(bootstrap).size();
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
            report("taskmanager-kill", FRAMES, clips, recovery, cluster.jobState(job));
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

    static Path jobJar() {
        Path jar = ProjectPaths.home().resolve("flink-job/target/emotion-stream-job.jar");
        assertTrue(Files.isRegularFile(jar), "no job jar at " + jar + ": run the tests with mvn verify");
        return jar;
    }

    /** Submits the job jar as an operator does ({@code flink run -d}); its id. */
    static String submit(StandaloneCluster cluster, Path jar, String bootstrap, Path folder, String... more) {
        List<String> args = new ArrayList<>(List.of("run", "-d", jar.toString(), "-b", bootstrap,
                "--frames-topic", CameraFeed.FRAMES, "--events-topic", CameraFeed.EVENTS,
                "--dead-letters-topic", CameraFeed.DEAD, "--group-id", "cluster-test", "--start-from", "earliest",
                "--parallelism", "2", "--checkpoint-interval-ms", "1000",
                "--checkpoint-dir", folder.resolve("checkpoints").toUri().toString(),
                "--model", ProjectPaths.defaultModel().toString()));
        args.addAll(List.of(more));
        List<String> output = new ArrayList<>();
        int status = cluster.flink(output, args.toArray(new String[0]));
        String text = String.join("\n", output);
        assertEquals(0, status, "flink run failed:\n" + text);
        Matcher id = Pattern.compile("submitted job ([0-9a-f]{32})").matcher(text);
        assertTrue(id.find(), "no job id in:\n" + text);
        return id.group(1);
    }

    /** Writes a failure test's figures: events, lost and repeated clips, recovery time. */
    static void report(String name, int frames, Map<Long, Integer> clips, long recoveryMillis, String state)
            throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("test", name);
        r.put("events", clips.values().stream().mapToInt(Integer::intValue).sum());
        r.put("clips_expected", frames / CameraFeed.CLIP);
        r.put("clips_lost", CameraFeed.expectedClips(frames).keySet().stream().filter(k -> !clips.containsKey(k))
                .count());
        r.put("clips_repeated", clips.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum());
        r.put("recovery_ms", recoveryMillis);
        r.put("job_state_after", state);
        Path out = Path.of("target", "failure-tests", name + ".json");
        Files.createDirectories(out.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), r);
    }
}
