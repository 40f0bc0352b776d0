package io.emotionstream.bench;

import static io.emotionstream.bench.Stats.percentile;

import io.emotionstream.job.EmotionJob;
import io.emotionstream.job.KafkaSettings;
import io.emotionstream.job.PipelineSettings;
import io.emotionstream.job.RunSettings;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The job's capacity on the embedded setup (embedded broker, Flink local cluster, parallelism 2): frames encoded
 * beforehand are replayed into Kafka at 25 fps a camera ({@link ReplayedCameras}), so that the agents' work does not
 * share the job's cores; each run reports events/s against the expected rate and the latency from a clip's last frame
 * to its event, when scored and when readable (read_committed). A camera count is sustained when 95% of its frames are
 * published, events come at 90% of the camera count times the rate per camera of the first run, and the 99th
 * percentile latency to scoring is at most 1 s.
 */
final class CapacityBenchmark {
    /** Camera ids of the probes that warm the job up before a run. */
    private static final String PROBE = "probe";
    private static final int PROBES = 6;

    private final PipelineSettings settings;
    private final long checkpointIntervalMillis;
    private final int warmupSeconds;
    private final int measureSeconds;
    private final PrintWriter log;
    /** Events/s per camera in the first (smallest) run: the rate at which the video yields clips with faces. */
    private double baselinePerCamera = -1;

    CapacityBenchmark(PipelineSettings settings, long checkpointIntervalMillis, int warmupSeconds, int measureSeconds,
                      PrintWriter log) {
        this.settings = settings;
        this.checkpointIntervalMillis = checkpointIntervalMillis;
        this.warmupSeconds = warmupSeconds;
        this.measureSeconds = measureSeconds;
        this.log = log;
    }

    /** What a run heard: events of the measured cameras, their latencies, and the frames published. */
    private static final class Heard {
        final List<Long> scoredLatency = new ArrayList<>();
        final List<Long> visibleLatency = new ArrayList<>();
        /** Clips scored more than a second after their last frame. */
        final List<String> slow = new ArrayList<>();
        long events;
        long framesSent;
        long framesRefused;
    }

    /** One run: {@code cameras} cameras replayed at 25 fps, after the job warmed up on probe cameras. */
    Map<String, Object> run(EmbeddedKafkaBroker broker, List<byte[]> jpegs, int width, int height, int cameras)
            throws Exception {
        String suffix = "-" + cameras;
        String frames = "bench-frames" + suffix;
        String events = "bench-events" + suffix;
        String dead = "bench-dead" + suffix;
        broker.createTopics(List.of(Topics.FRAMES.newTopic(frames), Topics.EMOTION_EVENTS.newTopic(events),
                Topics.DEAD_LETTERS.newTopic(dead)));
        KafkaSettings kafka = KafkaSettings.defaults(broker.bootstrapServers()).withTopics(frames, events, dead)
                .withGroup("bench" + suffix, "earliest", "bench" + suffix);
        StreamExecutionEnvironment env = EmotionJob.onKafka(kafka, settings,
                RunSettings.of(2, checkpointIntervalMillis));
        int restPort = freePort(); // the local cluster's REST API, for the checkpoints' figures
        ((Configuration) env.getConfiguration()).set(RestOptions.BIND_PORT, Integer.toString(restPort));
        JobClient client = env.executeAsync("benchmark" + suffix);
        Heard heard;
        Map<String, Object> checkpoints;
        try {
            // the cameras start once the job has scored clips of a few probe cameras (its operators opened: dlib's
            // and ONNX Runtime's models loaded), so that the warm-up is not spent on a backlog from the start-up
            long runningBy = System.currentTimeMillis() + 60_000;
            while (client.getJobStatus().get() != JobStatus.RUNNING && System.currentTimeMillis() < runningBy) {
                Thread.sleep(200);
            }
            awaitProbes(broker, frames, events, jpegs, width, height);
            heard = listen(broker, frames, events, jpegs, width, height, cameras);
            checkpoints = checkpoints(restPort, client.getJobID().toString());
        } finally {
            client.cancel().get();
        }
        Map<String, Object> figures = figures(heard, cameras, width, height);
        figures.put("checkpoint_interval_ms", checkpointIntervalMillis);
        figures.put("checkpoints", checkpoints);
        log.printf("  checkpoints every %d ms: %s%n", checkpointIntervalMillis, checkpoints);
        return figures;
    }

    /**
     * Catching up after an outage: {@code cameras} cameras replayed at 25 fps into the job for the warm-up; then the
     * job stops with a savepoint, the cameras go on for {@code outageSeconds}, and the job starts again from the
     * savepoint. Reports how long after the restart the events are readable within a second of their clip's end
     * again: the end of the last 5 s window (by when events were read) whose p99 was over a second.
     */
    Map<String, Object> outage(EmbeddedKafkaBroker broker, List<byte[]> jpegs, int width, int height, int cameras,
                               int outageSeconds, java.nio.file.Path savepoints) throws Exception {
        String suffix = "-outage-" + cameras;
        String frames = "bench-frames" + suffix;
        String events = "bench-events" + suffix;
        broker.createTopics(List.of(Topics.FRAMES.newTopic(frames), Topics.EMOTION_EVENTS.newTopic(events),
                Topics.DEAD_LETTERS.newTopic("bench-dead" + suffix)));
        KafkaSettings kafka = KafkaSettings.defaults(broker.bootstrapServers())
                .withTopics(frames, events, "bench-dead" + suffix).withGroup("bench" + suffix, "earliest", "bench" + suffix);
        JobClient first = EmotionJob.onKafka(kafka, settings, RunSettings.of(2, checkpointIntervalMillis))
                .executeAsync("benchmark" + suffix);
        awaitProbes(broker, frames, events, jpegs, width, height);
        Map<String, Object> r = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = committedReader(broker, events);
             ReplayedCameras replay = new ReplayedCameras(broker.bootstrapServers(), frames, jpegs, width, height,
                     cameras, 25)) {
            drain(consumer, warmupSeconds * 1000L);
            String savepoint = first.stopWithSavepoint(false, savepoints.toUri().toString(),
                    org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get();
            long stopped = System.currentTimeMillis();
            Thread.sleep(Math.max(0, outageSeconds * 1000L - (System.currentTimeMillis() - stopped)));
            JobClient second = EmotionJob.onKafka(kafka, settings, new RunSettings(2, checkpointIntervalMillis, null,
                    savepoint, RunSettings.DEFAULT_RESTART_ATTEMPTS, RunSettings.DEFAULT_MAX_RESTART_DELAY_MILLIS))
                    .executeAsync("benchmark" + suffix + "-restarted");
            long restarted = System.currentTimeMillis();
            try {
                java.util.TreeMap<Long, List<Long>> windows = new java.util.TreeMap<>(); // 5 s windows -> latencies
                long end = restarted + measureSeconds * 1000L;
                while (System.currentTimeMillis() < end) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        EmotionEvent event = SingleObject.decode(EmotionEvent.class, record.value());
                        if (!event.getCameraId().startsWith(PROBE)) {
                            long now = System.currentTimeMillis();
                            windows.computeIfAbsent((now - restarted) / 5_000, w -> new ArrayList<>())
                                    .add(now - event.getClipEndTime().toEpochMilli());
                        }
                    }
                }
                Long backBy = windows.isEmpty() ? null : 0L; // null: not back under a second while measured
                List<Map<String, Object>> perWindow = new ArrayList<>();
                for (Map.Entry<Long, List<Long>> w : windows.entrySet()) {
                    long p99 = percentile(w.getValue(), 99);
                    if (p99 > 1_000) {
                        backBy = w.getKey().equals(windows.lastKey()) ? null
                                : (w.getKey() + 1) * 5;
                    }
                    perWindow.add(Map.of("seconds_after_restart", w.getKey() * 5, "events", w.getValue().size(),
                            "readable_p99_ms", p99));
                }
                r.put("cameras", cameras);
                r.put("outage_seconds", outageSeconds);
                r.put("checkpoint_interval_ms", checkpointIntervalMillis);
                r.put("seconds_after_restart_until_p99_readable_under_1s", backBy);
                r.put("measured_seconds_after_restart", measureSeconds);
                r.put("windows", perWindow);
                log.printf("%d cameras, job stopped for %d s: readable p99 %s%n", cameras, outageSeconds,
                        backBy == null ? "not back under 1 s while measured" : "back under 1 s " + backBy
                                + " s after the restart");
            } finally {
                second.cancel().get();
            }
        }
        return r;
    }

    /** Reads and forgets the events topic for this long. */
    private static void drain(KafkaConsumer<byte[], byte[]> consumer, long millis) {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            consumer.poll(Duration.ofMillis(100));
        }
    }

    /** Replays the cameras and reads the events of the clips that end after the warm-up, for the measured time. */
    private Heard listen(EmbeddedKafkaBroker broker, String frames, String events, List<byte[]> jpegs, int width,
                         int height, int cameras) throws Exception {
        Heard heard = new Heard();
        try (KafkaConsumer<byte[], byte[]> consumer = committedReader(broker, events);
             ReplayedCameras replay = new ReplayedCameras(broker.bootstrapServers(), frames, jpegs, width, height,
                     cameras, 25)) {
            long measureFrom = System.currentTimeMillis() + warmupSeconds * 1000L;
            long end = measureFrom + measureSeconds * 1000L;
            long sentAtMeasureStart = -1;
            while (System.currentTimeMillis() < end) {
                if (sentAtMeasureStart < 0 && System.currentTimeMillis() >= measureFrom) {
                    sentAtMeasureStart = replay.framesSent();
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    EmotionEvent event = SingleObject.decode(EmotionEvent.class, record.value());
                    long clipEnd = event.getClipEndTime().toEpochMilli();
                    if (clipEnd >= measureFrom && !event.getCameraId().startsWith(PROBE)) {
                        heard.events++;
                        heard.scoredLatency.add(event.getProcessingLatencyMs());
                        if (event.getProcessingLatencyMs() > 1_000) {
                            heard.slow.add(String.format("%s at +%.1f s: %d ms", event.getCameraId(),
                                    (clipEnd - measureFrom) / 1000.0, event.getProcessingLatencyMs()));
                        }
                        heard.visibleLatency.add(System.currentTimeMillis() - clipEnd);
                    }
                }
            }
            heard.framesSent = replay.framesSent() - Math.max(0, sentAtMeasureStart);
            heard.framesRefused = replay.framesFailed();
        }
        return heard;
    }

    /**
     * The job's checkpoints so far, from the local cluster's REST API: how many completed and failed, and the
     * duration (trigger to acknowledged by every task) and size of the completed ones.
     */
    private static Map<String, Object> checkpoints(int restPort, String job) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + restPort + "/jobs/" + job + "/checkpoints"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode stats = new ObjectMapper().readTree(response.body());
        JsonNode duration = stats.at("/summary/end_to_end_duration");
        JsonNode size = stats.at("/summary/checkpointed_size");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("completed", stats.at("/counts/completed").asLong());
        r.put("failed", stats.at("/counts/failed").asLong());
        r.put("duration_ms_p50", duration.path("p50").asDouble());
        r.put("duration_ms_p99", duration.path("p99").asDouble());
        r.put("duration_ms_max", duration.path("max").asLong());
        r.put("size_bytes_p50", size.path("p50").asDouble());
        r.put("size_bytes_max", size.path("max").asLong());
        return r;
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A read_committed reader of the events topic from its start. */
    private static KafkaConsumer<byte[], byte[]> committedReader(EmbeddedKafkaBroker broker, String events) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(events, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }

    private Map<String, Object> figures(Heard heard, int cameras, int width, int height) {
        double eventsPerSecond = heard.events / (double) measureSeconds;
        if (baselinePerCamera < 0) {
            baselinePerCamera = eventsPerSecond / cameras;
        }
        double expected = cameras * baselinePerCamera;
        List<Long> scored = heard.scoredLatency;
        List<Long> visible = heard.visibleLatency;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("cameras", cameras);
        r.put("frames_per_s_published", Math.round(10.0 * heard.framesSent / measureSeconds) / 10.0);
        r.put("frames_refused_by_the_broker", heard.framesRefused);
        r.put("events_per_s", Math.round(100 * eventsPerSecond) / 100.0);
        r.put("events_per_s_expected", Math.round(100 * expected) / 100.0);
        r.put("events_per_s_if_every_frame_had_a_face", Math.round(100 * cameras * 25.0 / 30.0) / 100.0);
        r.put("latency_ms_to_scored_p50", percentile(scored, 50));
        r.put("latency_ms_to_scored_p90", percentile(scored, 90));
        r.put("latency_ms_to_scored_p99", percentile(scored, 99));
        r.put("latency_ms_to_scored_max", percentile(scored, 100));
        r.put("clips_scored_after_more_than_1s", heard.slow);
        r.put("latency_ms_to_readable_p50", percentile(visible, 50));
        r.put("latency_ms_to_readable_p99", percentile(visible, 99));
        // kept up: the events of N cameras come at N times the first run's rate a camera, within a second of the clip
        boolean sustained = eventsPerSecond >= 0.9 * expected && percentile(scored, 99) <= 1_000
                && heard.framesSent >= 0.95 * cameras * 25.0 * measureSeconds;
        r.put("sustained", sustained);
        log.printf("%d replayed camera(s) at 25 fps, %dx%d: %.2f events/s (expected %.2f), latency to scored p50 %d "
                        + "p99 %d ms, to readable p50 %d p99 %d ms: %s%n", cameras, width, height, eventsPerSecond,
                expected, percentile(scored, 50), percentile(scored, 99), percentile(visible, 50),
                percentile(visible, 99), sustained ? "sustained" : "NOT sustained");
        return r;
    }

    /**
     * Replays {@link #PROBES} probe cameras until the job has committed an event of each (their clips spread over the
     * job's subtasks), or for at most 60 s.
     */
    private void awaitProbes(EmbeddedKafkaBroker broker, String frames, String events, List<byte[]> jpegs, int width,
                             int height) throws Exception {
        long started = System.currentTimeMillis();
        Set<String> heard = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = committedReader(broker, events);
             ReplayedCameras probes = new ReplayedCameras(broker.bootstrapServers(), frames, jpegs, width, height, PROBE,
                     PROBES, 25)) {
            while (heard.size() < PROBES && System.currentTimeMillis() - started < 60_000) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    heard.add(SingleObject.decode(EmotionEvent.class, record.value()).getCameraId());
                }
            }
        }
        log.printf("job warmed up: events of %d of %d probe cameras after %.1f s%n", heard.size(), PROBES,
                (System.currentTimeMillis() - started) / 1000.0);
    }
}
