package io.emotionstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.job.JobCommand;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ProjectPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code job} command in processes of its own (a local cluster each), killed with SIGKILL in the middle of a
 * clip and started again with {@code --from-checkpoint latest}: the clip in progress survives in the retained
 * checkpoint, and every clip of the camera comes out exactly once (read_committed). The figures go to
 * {@code target/failure-tests/job-process-kill.json}.
 */
class JobProcessRestartTest {
    private static final int FRAMES = 300;
    private static final int BEFORE_KILL = 165; // five whole clips and half of the sixth

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the jobs' logs (first.log, second.log)
    Path temp;

    @Test
    void aKilledJobResumedFromItsLatestCheckpointLosesAndRepeatsNoClip() throws Exception {
        CameraFeed feed = new CameraFeed("cam", FRAMES);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             KafkaProducer<byte[], byte[]> producer = CameraFeed.producer(broker.bootstrapServers())) {
            String bootstrap = broker.bootstrapServers();
            CameraFeed.createTopics(broker, 1);
            feed.publish(producer, 0, BEFORE_KILL, 0);

            Process first = startJob(bootstrap, "first.log");
            long killedAt;
            try {
                CameraFeed.awaitEvents(bootstrap, BEFORE_KILL / CameraFeed.CLIP, Duration.ofMinutes(2), first::isAlive);
                awaitCheckpointAfter(System.currentTimeMillis() + 3_000); // the half clip is in one
            } finally {
                first.destroyForcibly().waitFor(); // SIGKILL: nothing is cleaned up or committed on the way out
                killedAt = System.currentTimeMillis();
            }
            feed.publish(producer, BEFORE_KILL, FRAMES, 0);

            Process second = startJob(bootstrap, "second.log", "--from-checkpoint", "latest");
            Map<Long, Integer> clips;
            long recovery;
            try {
                CameraFeed.awaitEvents(bootstrap, FRAMES / CameraFeed.CLIP, Duration.ofMinutes(2), second::isAlive);
                recovery = System.currentTimeMillis() - killedAt;
                CameraFeed.sleep(4_000); // nothing more comes (no repeats) after that
                clips = CameraFeed.clipsInEvents(bootstrap);
            } finally {
                second.destroyForcibly().waitFor();
            }
            assertTrue(log("second.log").contains("resuming from file:"), log("second.log"));
            ClusterJobs.report("job-process-kill", FRAMES, clips, recovery, "killed by the test");
            assertEquals(CameraFeed.expectedClips(FRAMES), clips, "every clip exactly once, the one cut by the kill too");
        }
    }

    /** {@code job} in a JVM of its own, as an operator starts it. */
    private Process startJob(String bootstrap, String log, String... more) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"), JobCommand.class.getName(),
                "-b", bootstrap, "--frames-topic", CameraFeed.FRAMES, "--events-topic", CameraFeed.EVENTS,
                "--dead-letters-topic", CameraFeed.DEAD, "--group-id", "restart-test", "--start-from", "earliest",
                "--transactional-id-prefix", "restart-test", "--parallelism", "1", "--checkpoint-interval-ms", "500",
                "--checkpoint-dir", temp.resolve("checkpoints").toUri().toString(),
                "--model", ProjectPaths.defaultModel().toString()));
        command.addAll(List.of(more));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(temp.resolve(log).toFile())
                .start();
    }

    private void awaitCheckpointAfter(long time) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try (Stream<Path> files = Files.walk(temp.resolve("checkpoints"), 3)) {
                if (files.anyMatch(f -> f.getFileName().toString().equals("_metadata")
                        && f.toFile().lastModified() > time)) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no checkpoint after the last frame was taken in");
    }

    private String log(String name) {
        try {
            String text = Files.readString(temp.resolve(name));
            return text.length() > 6_000 ? text.substring(text.length() - 6_000) : text;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
