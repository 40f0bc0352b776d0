package io.emotionstream.app;

import io.emotionstream.cluster.StandaloneCluster;
import io.emotionstream.model.ProjectPaths;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"A standalone Flink session cluster on this machine: Flink's own JobManager and TaskManagers as "
                + "separate JVMs, configured in the cluster's folder (conf/config.yaml, logs, checkpoints, savepoints).",
                "Submit the job jar with `cluster flink run -d flink-job/target/emotion-stream-job.jar -b HOST:PORT ...`, "
                + "as with Flink's own `flink run`."},
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.AddTaskManager.class,
                ClusterCommand.Flink.class})
final class ClusterCommand {
    static final Path DEFAULT_FOLDER = Path.of(System.getProperty("user.home"), ".emotion-stream", "cluster");

    static Path flinkLib() {
        return StandaloneCluster.defaultFlinkLib(ProjectPaths.home());
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Starts the JobManager (REST API and web UI) and the TaskManagers, waits until they are up, "
                    + "and leaves them running.")
    static final class Start implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", paramLabel = "DIR", description = "the cluster's folder (default: ${DEFAULT-VALUE})")
        Path folder = DEFAULT_FOLDER;

        @Option(names = "--taskmanagers", paramLabel = "N", defaultValue = "1",
                description = "TaskManagers (default: ${DEFAULT-VALUE})")
        int taskManagers;

        @Option(names = "--slots", paramLabel = "N", defaultValue = "2",
                description = "task slots per TaskManager (default: ${DEFAULT-VALUE})")
        int slots;

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "8081",
                description = "REST API and web UI (default: ${DEFAULT-VALUE})")
        int port;

        @Override
        public Integer call() throws Exception {
            if (Files.exists(folder.resolve("pids")) && !Files.readString(folder.resolve("pids")).isBlank()) {
                throw new IllegalArgumentException("a cluster may still run from " + folder
                        + " (its pids file lists processes): `cluster stop` first, or another --dir");
            }
            StandaloneCluster cluster = StandaloneCluster.start(new StandaloneCluster.Settings(folder, flinkLib(),
                    taskManagers, slots, port, Map.of()));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Flink cluster up: web UI and REST API at %s, %d TaskManager(s) of %d slot(s); folder %s%n",
                    cluster.restUrl(), taskManagers, slots, folder);
            out.println("submit: ./emotion-stream cluster flink run -d flink-job/target/emotion-stream-job.jar "
                    + "-b localhost:9092 --checkpoint-dir " + folder.resolve("checkpoints").toUri());
            out.println("stop:   ./emotion-stream cluster stop");
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stops the cluster's processes (its folder, checkpoints and savepoints stay).")
    static final class Stop implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", paramLabel = "DIR", description = "the cluster's folder (default: ${DEFAULT-VALUE})")
        Path folder = DEFAULT_FOLDER;

        @Override
        public Integer call() throws Exception {
            if (!Files.exists(folder.resolve("pids"))) {
                throw new IllegalArgumentException("no cluster in " + folder);
            }
            spec.commandLine().getOut().println("stopped " + StandaloneCluster.stop(folder) + " process(es)");
            return 0;
        }
    }

    @Command(name = "add-taskmanager", mixinStandardHelpOptions = true,
            description = "Starts one more TaskManager for the running cluster (a replacement, or more slots).")
    static final class AddTaskManager implements Callable<Integer> {
        @Option(names = "--dir", paramLabel = "DIR", description = "the cluster's folder (default: ${DEFAULT-VALUE})")
        Path folder = DEFAULT_FOLDER;

        @Override
        public Integer call() {
            if (!Files.exists(folder.resolve("conf/config.yaml"))) {
                throw new IllegalArgumentException("no cluster in " + folder);
            }
            StandaloneCluster.startTaskManager(folder, flinkLib(), "taskmanager-" + System.currentTimeMillis());
            return 0;
        }
    }

    @Command(name = "flink", mixinStandardHelpOptions = false,
            description = {"Flink's CLI against the cluster: run, list, stop --savepointPath, cancel, savepoint.",
                    "e.g. cluster flink run -d flink-job/target/emotion-stream-job.jar -b localhost:9092; "
                            + "cluster flink stop --savepointPath file:///tmp/savepoints JOB_ID; "
                            + "cluster flink run -d -s SAVEPOINT flink-job/target/emotion-stream-job.jar ..."})
    static final class Flink implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", paramLabel = "DIR", description = "the cluster's folder (default: ${DEFAULT-VALUE})")
        Path folder = DEFAULT_FOLDER;

        @Parameters(paramLabel = "ARGS", arity = "1..*", description = "Flink CLI arguments")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            if (!Files.exists(folder.resolve("conf/config.yaml"))) {
                throw new IllegalArgumentException("no cluster in " + folder + " (`cluster start` first)");
            }
            List<String> output = new ArrayList<>();
            int status = StandaloneCluster.flink(folder, flinkLib(), output, args.toArray(new String[0]));
            output.forEach(spec.commandLine().getOut()::println);
            return status;
        }
    }
}
