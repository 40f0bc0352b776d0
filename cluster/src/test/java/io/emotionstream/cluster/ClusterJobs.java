package io.emotionstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.emotionstream.model.ProjectPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the failure tests share: the job jar, its submission as an operator does it, and the figures they write. */
final class ClusterJobs {
    private ClusterJobs() {}

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

    /** Writes a failure test's figures for one camera of {@code frames} frames ({@link #report(String, Map, ...)}). */
    static void report(String name, int frames, Map<Long, Integer> clips, long recoveryMillis, String state)
            throws Exception {
        report(name, Map.of("cam", CameraFeed.expectedClips(frames)), Map.of("cam", clips), recoveryMillis, state);
    }

    /**
     * Writes a failure test's figures: events, lost and repeated clips (each camera's clips by first sequence, against
     * those expected), recovery time.
     */
    static void report(String name, Map<String, Map<Long, Integer>> expected, Map<String, Map<Long, Integer>> clips,
                       long recoveryMillis, String state) throws Exception {
        long events = 0;
        long lost = 0;
        long repeated = 0;
        long clipsExpected = 0;
        for (Map.Entry<String, Map<Long, Integer>> camera : expected.entrySet()) {
            Map<Long, Integer> got = clips.getOrDefault(camera.getKey(), Map.of());
            clipsExpected += camera.getValue().size();
            lost += camera.getValue().keySet().stream().filter(k -> !got.containsKey(k)).count();
        }
        for (Map<Long, Integer> got : clips.values()) {
            events += got.values().stream().mapToInt(Integer::intValue).sum();
            repeated += got.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("test", name);
        r.put("events", events);
        r.put("clips_expected", clipsExpected);
        r.put("clips_lost", lost);
        r.put("clips_repeated", repeated);
        r.put("recovery_ms", recoveryMillis);
        r.put("job_state_after", state);
        Path out = Path.of("target", "failure-tests", name + ".json");
        Files.createDirectories(out.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), r);
    }
}
