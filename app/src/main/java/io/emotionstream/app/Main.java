package io.emotionstream.app;

import io.emotionstream.bench.ModelBenchmarkCommand;
import io.emotionstream.bench.PipelineBenchmarkCommand;
import io.emotionstream.evaluation.EvaluateCommand;
import io.emotionstream.ingest.CameraAgentCommand;
import io.emotionstream.job.JobCommand;
import io.emotionstream.model.ModelException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The emotion-stream command line; {@code ./emotion-stream} at the project root runs it. */
@Command(name = "emotion-stream", mixinStandardHelpOptions = true, version = "emotion-stream 0.1.0",
        description = "Real-time facial-emotion recognition for live cameras.",
        subcommands = {DemoCommand.class, CameraAgentCommand.class, JobCommand.class, DashboardCommand.class,
                EventsCommand.class, BrokerCommand.class, CredentialsCommand.class, SetupKafkaCommand.class, ClusterCommand.class, EvaluateCommand.class, ModelBenchmarkCommand.class,
                PipelineBenchmarkCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /** Exit status for input the command cannot use (unreadable folder, bad model); 2 as for bad flags. */
    static final int BAD_INPUT = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling, for main and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof ModelException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return BAD_INPUT;
            }
            throw e;
        });
        return cli;
    }
}
