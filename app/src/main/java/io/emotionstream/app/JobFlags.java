package io.emotionstream.app;

import io.emotionstream.job.JobCommand;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Job flags the demo passes through to the job (see `emotion-stream job --help`). */
final class JobFlags {
    @Option(names = "--job-arg", paramLabel = "FLAG",
            description = "a flag for the job, e.g. --job-arg=--stride=15 (repeatable; see `job --help`)")
    List<String> jobArgs = new ArrayList<>();

    JobCommand command(String bootstrap) {
        JobCommand job = new JobCommand();
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap, "--start-from", "committed",
                "--group-id", "emotion-stream-demo", "--checkpoint-interval-ms", "2000", "--parallelism", "2",
                "--name", "emotion-stream-demo"));
        args.addAll(jobArgs);
        CommandLine cli = new CommandLine(job);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.parseArgs(args.toArray(new String[0]));
        return job;
    }
}
