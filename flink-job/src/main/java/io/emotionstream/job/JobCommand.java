package io.emotionstream.job;

import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.model.ScoringOptions;
import io.emotionstream.schema.Topics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the emotion job: on a Flink cluster when submitted with {@code flink run}, or on a local cluster in this
 * process. Every setting is a flag with a default.
 */
@Command(name = "job", mixinStandardHelpOptions = true,
        description = "Runs the Flink job: frames from Kafka, dlib faces, 30-frame clips, ONNX scores, emotion events "
                + "to Kafka (exactly once) and dead letters.")
public class JobCommand implements Callable<Integer> {
    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(names = "--frames-topic", paramLabel = "NAME", description = "input frames (default: ${DEFAULT-VALUE})")
    String framesTopic = Topics.FRAMES.defaultName();

    @Option(names = "--events-topic", paramLabel = "NAME", description = "output emotion events (default: ${DEFAULT-VALUE})")
    String eventsTopic = Topics.EMOTION_EVENTS.defaultName();

    @Option(names = "--dead-letters-topic", paramLabel = "NAME", description = "dead letters (default: ${DEFAULT-VALUE})")
    String deadLettersTopic = Topics.DEAD_LETTERS.defaultName();

    @Option(names = "--group-id", paramLabel = "ID", defaultValue = "emotion-stream-job",
            description = "Kafka consumer group (default: ${DEFAULT-VALUE})")
    String groupId;

    @Option(names = "--start-from", paramLabel = "WHERE", defaultValue = "committed",
            description = "earliest, latest or committed offsets (default: ${DEFAULT-VALUE})")
    String startFrom;

    @Option(names = "--bounded", description = "stop at the frames present when the job starts (replays, tests)")
    boolean bounded;

    @Option(names = "--transactional-id-prefix", paramLabel = "PREFIX", defaultValue = "emotion-stream",
            description = "prefix of the Kafka transactional ids of the exactly-once sinks (default: ${DEFAULT-VALUE})")
    String transactionalIdPrefix;

    @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE",
            description = "a property for every Kafka client of the job, e.g. -X security.protocol=SASL_SSL")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: ${DEFAULT-VALUE})")
    Path model = ProjectPaths.defaultModel();

    @Option(names = "--landmarks", paramLabel = "FILE", description = "dlib 68-point landmark model (default: ${DEFAULT-VALUE})")
    Path landmarks = DlibFaceDetector.DEBIAN_LANDMARK_MODEL;

    @Option(names = "--upsample", paramLabel = "N", defaultValue = "0",
            description = "double frames N times before face detection: 0 finds faces from ~80 px, 1 from ~40 px at 4x cost (default: ${DEFAULT-VALUE})")
    int upsample;

    @Option(names = "--min-face-score", paramLabel = "S", defaultValue = "0.2",
            description = "ignore dlib detections scoring below S (default: ${DEFAULT-VALUE})")
    double minFaceScore;

    @Option(names = "--stride", paramLabel = "N", description = "frames between clip starts; less than the clip length overlaps clips (default: the clip length)")
    Integer stride;

    @Option(names = "--max-dropped-frames", paramLabel = "N", defaultValue = "5",
            description = "more missing sequence numbers than N end a partial clip (default: ${DEFAULT-VALUE})")
    int maxDroppedFrames;

    @Option(names = "--max-time-gap-ms", paramLabel = "MS", defaultValue = "1000",
            description = "a longer pause between frames ends a partial clip (default: ${DEFAULT-VALUE})")
    long maxTimeGapMillis;

    @Option(names = "--max-frames-without-face", paramLabel = "N",
            description = "more frames without a face in a clip end it (default: a fifth of the clip)")
    Integer maxFramesWithoutFace;

    @Option(names = "--camera-idle-ms", paramLabel = "MS", defaultValue = "30000",
            description = "a camera silent this long has its partial clip and state dropped (default: ${DEFAULT-VALUE})")
    long cameraIdleMillis;

    @Option(names = "--max-out-of-order-ms", paramLabel = "MS", defaultValue = "500",
            description = "how late a frame may arrive and still be put in order (default: ${DEFAULT-VALUE})")
    long maxOutOfOrderMillis;

    @Option(names = "--partition-idle-ms", paramLabel = "MS", defaultValue = "2000",
            description = "an idle Kafka partition stops holding back event time after this (default: ${DEFAULT-VALUE})")
    long partitionIdleMillis;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "8", description = "clips scored together (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--batch-delay-ms", paramLabel = "MS", defaultValue = "100",
            description = "longest wait for a batch to fill (default: ${DEFAULT-VALUE})")
    long batchDelayMillis;

    @Option(names = "--scoring-threads", paramLabel = "N", defaultValue = "1",
            description = "ONNX Runtime threads per scorer (default: ${DEFAULT-VALUE})")
    int scoringThreads;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "CPU",
            description = "CPU or CUDA (falls back to CPU with a warning; default: ${DEFAULT-VALUE})")
    ScoringOptions.Device device;

    @Option(names = "--smooth-clips", paramLabel = "N", defaultValue = "5",
            description = "a camera's steady emotion averages the probabilities of its last N clips (default: ${DEFAULT-VALUE})")
    int smoothClips;

    @Option(names = "--smooth-switch-after", paramLabel = "N", defaultValue = "2",
            description = "the steady emotion changes after N confident clips of another label in a row; 2 or more "
                    + "ignores a single odd clip (default: ${DEFAULT-VALUE})")
    int smoothSwitchAfter;

    @Option(names = "--smooth-max-gap-ms", paramLabel = "MS", defaultValue = "10000",
            description = "a longer pause between a camera's clips starts its steady emotion afresh (default: ${DEFAULT-VALUE})")
    long smoothMaxGapMillis;

    @Option(names = "--max-record-bytes", paramLabel = "N", defaultValue = "4194304",
            description = "larger frame records are dead-lettered unread (default: ${DEFAULT-VALUE})")
    int maxRecordBytes;

    @Option(names = "--max-frame-side", paramLabel = "PX", defaultValue = "4096",
            description = "frames wider or taller are dead-lettered (default: ${DEFAULT-VALUE})")
    int maxFrameSide;

    @Option(names = "--parallelism", paramLabel = "N", description = "job parallelism (default: the environment's)")
    Integer parallelism;

    @Option(names = "--checkpoint-interval-ms", paramLabel = "MS", defaultValue = "5000",
            description = "checkpoints (and event commits) this often (default: ${DEFAULT-VALUE})")
    long checkpointIntervalMillis;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "emotion-stream", description = "job name (default: ${DEFAULT-VALUE})")
    String jobName;

    public KafkaSettings kafkaSettings() {
        return new KafkaSettings(bootstrapServers, framesTopic, eventsTopic, deadLettersTopic, groupId, startFrom,
                bounded, transactionalIdPrefix, maxRecordBytes, maxFrameSide, kafkaProperties);
    }

    public PipelineSettings pipelineSettings() {
        ModelDescriptor descriptor = ModelDescriptor.load(model);
        descriptor.verifyOnnxFile(); // a missing or foreign ONNX file is a startup error, not a restart loop
        int length = descriptor.clipLength();
        ClipSettings clips = new ClipSettings(length, stride == null ? length : stride, maxDroppedFrames,
                maxTimeGapMillis, maxFramesWithoutFace == null ? length / 5 : maxFramesWithoutFace, cameraIdleMillis);
        return new PipelineSettings(descriptor, new FaceStageSettings(landmarks.toString(), upsample, minFaceScore), clips,
                new ScorerSettings(batch, batchDelayMillis, scoringThreads, device),
                new SmoothingSettings(smoothClips, smoothSwitchAfter, smoothMaxGapMillis,
                        SmoothingSettings.defaults().stateTtlMillis()),
                maxOutOfOrderMillis, partitionIdleMillis, framesTopic);
    }

    /** The environment with the graph built, ready to execute. */
    public StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (parallelism != null) {
            env.setParallelism(parallelism);
        }
        env.enableCheckpointing(checkpointIntervalMillis);
        KafkaSettings kafka = kafkaSettings();
        EmotionJob.defineWorkflow(env, EmotionJob.kafkaSource(kafka), EmotionJob.eventSink(kafka),
                EmotionJob.deadLetterSink(kafka), pipelineSettings());
        return env;
    }

    /** Starts the job without waiting for it (the demo). */
    public JobClient start() throws Exception {
        return environment().executeAsync(jobName);
    }

    @Override
    public Integer call() throws Exception {
        JobExecutionResult result = environment().execute(jobName);
        System.err.printf("job %s ended after %d ms%n", result.getJobID(), result.getNetRuntime());
        return 0;
    }

    /** The entry point of the job jar ({@code flink run emotion-stream-job.jar [flags]}). */
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new JobCommand());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        System.exit(cli.execute(args));
    }
}
