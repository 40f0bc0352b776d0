package io.emotionstream.job;

import io.emotionstream.kafka.access.KafkaAccess;
import io.emotionstream.kafka.access.KafkaClientOptions;
import io.emotionstream.kafka.access.PrivateFolders;
import io.emotionstream.model.ModelException;
import io.emotionstream.schema.Topics;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.acl.AclOperation;
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

    @Option(names = "--schemas-topic", paramLabel = "NAME",
            description = "writer schemas of agents, to read frames of a newer schema (default: ${DEFAULT-VALUE})")
    String schemasTopic = Topics.SCHEMAS.defaultName();

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

    @Mixin
    KafkaClientOptions kafkaClient = new KafkaClientOptions();

    @Mixin
    PipelineOptions pipeline = new PipelineOptions();

    @Option(names = "--max-record-bytes", paramLabel = "N", defaultValue = "" + FrameLimits.DEFAULT_MAX_RECORD_BYTES,
            description = "larger frame records are dead-lettered unread (default: ${DEFAULT-VALUE})")
    int maxRecordBytes;

    @Option(names = "--max-frame-side", paramLabel = "PX", defaultValue = "" + FrameLimits.DEFAULT_MAX_FRAME_SIDE,
            description = "frames wider or taller are dead-lettered (default: ${DEFAULT-VALUE})")
    int maxFrameSide;

    @Option(names = "--max-capture-ahead-ms", paramLabel = "MS",
            defaultValue = "" + FrameLimits.DEFAULT_MAX_CAPTURE_AHEAD_MILLIS,
            description = "frames captured further ahead of their Kafka record time are dead-lettered "
                    + "(default: ${DEFAULT-VALUE})")
    long maxCaptureAheadMillis;

    @Option(names = "--parallelism", paramLabel = "N", description = "job parallelism (default: the environment's)")
    Integer parallelism;

    @Option(names = "--checkpoint-interval-ms", paramLabel = "MS",
            defaultValue = "" + RunSettings.DEFAULT_CHECKPOINT_INTERVAL_MILLIS,
            description = "checkpoints, and with them the commits that make events readable, this often "
                    + "(default: ${DEFAULT-VALUE})")
    long checkpointIntervalMillis;

    @Option(names = "--checkpoint-dir", paramLabel = "URI",
            description = "where checkpoints go, kept when the job is cancelled or dies; on a cluster a folder every "
                    + "TaskManager reaches (default: ${DEFAULT-VALUE})")
    String checkpointDir = Path.of(System.getProperty("user.home"), ".emotion-stream", "checkpoints").toUri().toString();

    @Option(names = "--from-checkpoint", paramLabel = "PATH|latest",
            description = "resume from this retained checkpoint or savepoint (state, clips in progress and Kafka "
                    + "offsets), or from the newest one under --checkpoint-dir")
    String fromCheckpoint;

    @Option(names = "--restart-attempts", paramLabel = "N", defaultValue = "" + RunSettings.DEFAULT_RESTART_ATTEMPTS,
            description = "restarts after failures (1 s delay, doubling) before the job fails; counted afresh after "
                    + "10 minutes without one (default: ${DEFAULT-VALUE})")
    int restartAttempts;

    @Option(names = "--max-restart-delay-ms", paramLabel = "MS",
            defaultValue = "" + RunSettings.DEFAULT_MAX_RESTART_DELAY_MILLIS,
            description = "the longest wait before a restart (default: ${DEFAULT-VALUE})")
    long maxRestartDelayMillis;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "emotion-stream", description = "job name (default: ${DEFAULT-VALUE})")
    String jobName;

    KafkaSettings kafkaSettings() {
        return new KafkaSettings(bootstrapServers, framesTopic, eventsTopic, deadLettersTopic, schemasTopic, groupId,
                startFrom,
                bounded, transactionalIdPrefix, new FrameLimits(maxRecordBytes, maxFrameSide, maxCaptureAheadMillis),
                kafkaClient.properties());
    }

    PipelineSettings pipelineSettings() {
        return pipeline.settings();
    }

    RunSettings runSettings() throws IOException {
        URI checkpoints = URI.create(checkpointDir);
        if (checkpoints.getScheme() == null || checkpoints.getScheme().equals("file")) {
            // checkpoints hold face crops of clips in progress: a local folder is made owner-only (on a cluster,
            // make the TaskManagers' checkpoint folder so too)
            PrivateFolders.create(checkpoints.getScheme() == null ? Path.of(checkpointDir) : Path.of(checkpoints));
        }
        String restore = fromCheckpoint;
        if ("latest".equals(fromCheckpoint)) {
            URI dir = URI.create(checkpointDir);
            if (dir.getScheme() != null && !dir.getScheme().equals("file")) {
                throw new IllegalArgumentException("--from-checkpoint latest reads local folders only; give the "
                        + "checkpoint's path (Flink's web UI or REST API lists them)");
            }
            restore = RunSettings.latestCheckpoint(dir.getScheme() == null ? Path.of(checkpointDir) : Path.of(dir));
        }
        return new RunSettings(parallelism, checkpointIntervalMillis, checkpointDir, restore, restartAttempts,
                maxRestartDelayMillis);
    }

    /**
     * Checks before the job starts that Kafka answers, takes the job's login, has the job's topics and lets it read
     * frames and write events and dead letters, so that a wrong address, password, topic or ACL is one line at
     * submission, not a restart loop.
     */
    static void requireKafka(KafkaSettings kafka, Duration timeout) {
        Map<String, AclOperation> needs = new LinkedHashMap<>();
        needs.put(kafka.framesTopic(), AclOperation.READ);
        needs.put(kafka.eventsTopic(), AclOperation.WRITE);
        needs.put(kafka.deadLettersTopic(), AclOperation.WRITE);
        KafkaAccess.require(kafka.bootstrapServers(), kafka.clientProperties(), needs, timeout,
                "`emotion-stream broker` creates the project's topics; or name another with --frames-topic, "
                        + "--events-topic, --dead-letters-topic");
    }

    @Override
    public Integer call() throws Exception {
        PipelineSettings pipeline = pipelineSettings(); // the model and dlib's files first: local, and quick
        requireKafka(kafkaSettings(), Duration.ofSeconds(15));
        StreamExecutionEnvironment env = EmotionJob.onKafka(kafkaSettings(), pipeline, runSettings());
        if (fromCheckpoint != null) {
            System.err.println("resuming from " + env.getConfiguration().get(StateRecoveryOptions.SAVEPOINT_PATH));
        }
        JobClient job = env.executeAsync(jobName);
        if (!(env instanceof LocalStreamEnvironment) && !env.getConfiguration().get(DeploymentOptions.ATTACHED)) {
            // flink run -d: the job runs on, the submission is done
            System.err.println("submitted job " + job.getJobID());
            return 0;
        }
        JobExecutionResult result = job.getJobExecutionResult().get();
        System.err.printf("job %s ended after %d ms%n", result.getJobID(), result.getNetRuntime());
        return 0;
    }

    /** The entry point of the job jar ({@code flink run emotion-stream-job.jar [flags]}). */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: a mistake in flags, model or Kafka is one line and exit code 2. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new JobCommand());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof ModelException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }
}
