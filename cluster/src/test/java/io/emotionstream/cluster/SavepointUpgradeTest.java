package io.emotionstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ProjectPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade on the standalone cluster: the running job is stopped with a savepoint in the middle of a clip
 * ({@code flink stop --savepointPath}), frames go on arriving, and the next version of the job (here: the same jar
 * with other scoring settings, as a new release would come) starts from the savepoint ({@code flink run -s}). The
 * operators' stable uids carry the state over: every clip comes out exactly once, the one cut by the upgrade
 * included. The figures go to {@code target/failure-tests/savepoint-upgrade.json}.
 */
class SavepointUpgradeTest {
    private static final int FRAMES = 450;
    private static final int BEFORE_STOP = 165; // five whole clips and half of the sixth

    @TempDir
    Path temp;

    @Test
    void theNextVersionStartsFromTheSavepointAndNoClipIsLostOrRepeated() throws Exception {
        Path jar = ClusterJobs.jobJar();
        CameraFeed feed = new CameraFeed("cam", FRAMES);
        Path folder = temp.resolve("flink");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             StandaloneCluster cluster = StandaloneCluster.start(new StandaloneCluster.Settings(folder,
                     StandaloneCluster.defaultFlinkLib(ProjectPaths.home()), 1, 2, 0, Map.of()));
             KafkaProducer<byte[], byte[]> producer = CameraFeed.producer(broker.bootstrapServers())) {
            String bootstrap = broker.bootstrapServers();
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                    java.nio.file.Files.getPosixFilePermissions(folder)), "its savepoints hold face crops");
            CameraFeed.createTopics(broker, 2);
            String first = ClusterJobs.submit(cluster, jar, bootstrap, folder);
            feed.publish(producer, 0, BEFORE_STOP, 25);
            CameraFeed.awaitEvents(bootstrap, BEFORE_STOP / CameraFeed.CLIP, Duration.ofMinutes(3),
                    () -> !"FAILED".equals(cluster.jobState(first)));
            CameraFeed.sleep(3_000); // the half clip is taken in (released after 2 s) and checkpointed

            List<String> output = new ArrayList<>();
            long stopping = System.currentTimeMillis();
            assertEquals(0, cluster.flink(output, "stop", "--savepointPath",
                    folder.resolve("savepoints").toUri().toString(), first), String.join("\n", output));
            Matcher path = Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(String.join("\n", output));
            assertTrue(path.find(), String.join("\n", output));
            assertEquals("FINISHED", cluster.jobState(first));
            feed.publish(producer, BEFORE_STOP, FRAMES, 0); // frames arrive while no job runs

            String next = ClusterJobs.submit(cluster, jar, bootstrap, folder,
                    "--from-checkpoint", path.group(1), "--batch", "4", "--batch-delay-ms", "50");
            CameraFeed.awaitEvents(bootstrap, FRAMES / CameraFeed.CLIP, Duration.ofMinutes(3),
                    () -> !"FAILED".equals(cluster.jobState(next)));
            long upgrade = System.currentTimeMillis() - stopping;
            CameraFeed.sleep(5_000); // nothing more comes (no repeats) after that
            Map<Long, Integer> clips = CameraFeed.clipsInEvents(bootstrap);
            ClusterJobs.report("savepoint-upgrade", FRAMES, clips, upgrade, cluster.jobState(next));
            assertEquals(CameraFeed.expectedClips(FRAMES), clips, "every clip exactly once across the upgrade");
        }
    }
}
