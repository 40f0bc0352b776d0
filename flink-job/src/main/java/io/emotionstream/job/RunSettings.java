package io.emotionstream.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;

/**
 * How the job runs: parallelism, checkpoints and its restart strategy.
 *
 * @param parallelism null keeps the environment's (a cluster's default, or the local cores)
 * @param checkpointIntervalMillis checkpoints, and with them the commits of emotion events, this often
 * @param checkpointDir where checkpoints go (a URI such as file:///var/lib/emotion-stream/checkpoints, which every
 *     TaskManager must reach); null keeps the environment's. They are kept when the job is cancelled or dies, so it
 *     can resume from them
 * @param restoreFrom a retained checkpoint or savepoint to resume from (state and Kafka offsets); null for none
 * @param restartAttempts restarts after failures before the job fails for good; the count starts afresh after
 *     {@link #STABLE_AFTER} without a failure
 * @param maxRestartDelayMillis restarts wait 1 s, then twice as long each time, up to this
 */
public record RunSettings(Integer parallelism, long checkpointIntervalMillis, String checkpointDir,
                          String restoreFrom, int restartAttempts, long maxRestartDelayMillis) {
    /** A job running this long without a failure has its restart count and delay reset. */
    public static final Duration STABLE_AFTER = Duration.ofMinutes(10);
    public static final int DEFAULT_RESTART_ATTEMPTS = 10;
    /**
     * Checkpoints, and with them the commits that make emotion events readable (read_committed), this often by
     * default: events are readable within about this plus a checkpoint's duration of their clip's end.
     */
    public static final long DEFAULT_CHECKPOINT_INTERVAL_MILLIS = 500;
    public static final long DEFAULT_MAX_RESTART_DELAY_MILLIS = 60_000;

    public RunSettings {
        if (parallelism != null && parallelism < 1 || checkpointIntervalMillis < 10 || restartAttempts < 0
                || maxRestartDelayMillis < 1_000) {
            throw new IllegalArgumentException("parallelism must be >= 1, the checkpoint interval >= 10 ms, restart "
                    + "attempts >= 0 and the longest restart delay >= 1000 ms");
        }
    }

    /** Checkpoints where the environment puts them, nothing to restore, the default restart strategy. */
    public static RunSettings of(Integer parallelism, long checkpointIntervalMillis) {
        return new RunSettings(parallelism, checkpointIntervalMillis, null, null, DEFAULT_RESTART_ATTEMPTS,
                DEFAULT_MAX_RESTART_DELAY_MILLIS);
    }

    /**
     * The newest complete checkpoint under a local checkpoint folder (Flink writes {@code <job id>/chk-<n>/_metadata}).
     *
     * @throws IllegalArgumentException when there is none
     */
    public static String latestCheckpoint(Path folder) {
        try (Stream<Path> files = Files.exists(folder) ? Files.walk(folder, 3) : Stream.empty()) {
            Optional<Path> newest = files
                    .filter(f -> f.getFileName().toString().equals("_metadata")
                            && f.getParent().getFileName().toString().startsWith("chk-"))
                    .max(Comparator.comparingLong(RunSettings::modified));
            return newest.map(f -> f.getParent().toUri().toString()).orElseThrow(() -> new IllegalArgumentException(
                    "no retained checkpoint in " + folder + " to resume from"));
        } catch (IOException | UncheckedIOException e) { // Flink may delete an old checkpoint while we look
            throw new IllegalArgumentException("cannot read checkpoint folder " + folder + ": " + e.getMessage(), e);
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return Long.MIN_VALUE;
        }
    }

    /** The Flink configuration of these settings (apart from parallelism and the interval, set on the environment). */
    public Configuration configuration() {
        Configuration conf = restartStrategy();
        // the job's operators neither keep nor change a record after handing it on, so chained operators may share
        // it rather than copy it (a frame record holds its JPEG)
        conf.set(org.apache.flink.configuration.PipelineOptions.OBJECT_REUSE, true);
        if (checkpointDir != null) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir);
        }
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        return conf;
    }

    /** The restart strategy as Flink configuration: exponential delay with a cap, a bounded number of attempts. */
    private Configuration restartStrategy() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                Duration.ofMillis(maxRestartDelayMillis));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD, STABLE_AFTER);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, restartAttempts);
        return conf;
    }
}
