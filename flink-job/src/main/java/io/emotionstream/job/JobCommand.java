package io.emotionstream.job;

import io.emotionstream.schema.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Option(names = "--group-id", paramLabel = "ID", defaultValue = KafkaSettings.DEFAULT_GROUP_ID,
            description = "Kafka consumer group (default: ${DEFAULT-VALUE})")
    String groupId;

    @Option(names = "--start-from", paramLabel = "WHERE", defaultValue = KafkaSettings.DEFAULT_START_FROM,
            description = "earliest, latest or committed offsets (default: ${DEFAULT-VALUE})")
    String startFrom;

    @Option(names = "--bounded", description = "stop at the frames present when the job starts (replays, tests)")
    boolean bounded;

    @Option(names = "--transactional-id-prefix", paramLabel = "PREFIX",
            defaultValue = KafkaSettings.DEFAULT_TRANSACTIONAL_ID_PREFIX,
            description = "prefix of the Kafka transactional ids of the exactly-once sinks (default: ${DEFAULT-VALUE})")
    String transactionalIdPrefix;

    @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE",
            description = "a property for every Kafka client of the job, e.g. -X security.protocol=SASL_SSL")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Mixin
    PipelineOptions pipeline = new PipelineOptions();

    @Option(names = "--max-record-bytes", paramLabel = "N", defaultValue = "" + KafkaSettings.DEFAULT_MAX_RECORD_BYTES,
            description = "larger frame records are dead-lettered unread (default: ${DEFAULT-VALUE})")
    int maxRecordBytes;

    @Option(names = "--max-frame-side", paramLabel = "PX", defaultValue = "" + KafkaSettings.DEFAULT_MAX_FRAME_SIDE,
            description = "frames wider or taller are dead-lettered (default: ${DEFAULT-VALUE})")
    int maxFrameSide;

    @Option(names = "--parallelism", paramLabel = "N", description = "job parallelism (default: the environment's)")
    Integer parallelism;

    @Option(names = "--checkpoint-interval-ms", paramLabel = "MS", defaultValue = "5000",
            description = "checkpoints (and event commits) this often (default: ${DEFAULT-VALUE})")
    long checkpointIntervalMillis;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "emotion-stream", description = "job name (default: ${DEFAULT-VALUE})")
    String jobName;

    KafkaSettings kafkaSettings() {
        return new KafkaSettings(bootstrapServers, framesTopic, eventsTopic, deadLettersTopic, groupId, startFrom,
                bounded, transactionalIdPrefix, maxRecordBytes, maxFrameSide, kafkaProperties);
    }

    PipelineSettings pipelineSettings() {
        return pipeline.settings(framesTopic);
    }

    /** The environment with the graph built, ready to execute. */
    StreamExecutionEnvironment environment() {
        return EmotionJob.onKafka(kafkaSettings(), pipelineSettings(), parallelism, checkpointIntervalMillis);
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
