package io.emotionstream.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone Flink session cluster on this machine, as Flink's own scripts would start it: a JobManager
 * ({@code StandaloneSessionClusterEntrypoint}: REST API and web UI) and TaskManagers ({@code TaskManagerRunner}), each
 * a JVM of its own on Flink's lib folder, configured by the {@code config.yaml} this class writes into the cluster's
 * folder. Its configuration puts checkpoints and savepoints under that folder (a job's own {@code --checkpoint-dir}
 * takes precedence), where they outlive every process. Jobs are submitted with Flink's CLI ({@link #flink}), as
 * {@code flink run} does.
 *
 * <p>The cluster's folder holds {@code conf/}, {@code log/}, {@code checkpoints/}, {@code savepoints/} and
 * {@code pids} (one line per process: role and pid), so another process can stop it ({@link #stop(Path)}).
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneCluster.class);
    private static final String JOB_MANAGER = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String CLI = "org.apache.flink.client.cli.CliFrontend";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What Flink's scripts give every Flink JVM on Java 17 ({@code env.java.opts.all} of Flink's own config.yaml). */
    private static final List<String> MODULE_OPENS = Stream.of("java.base/java.lang", "java.base/java.net",
                    "java.base/java.io", "java.base/java.nio", "java.base/sun.nio.ch", "java.base/java.lang.reflect",
                    "java.base/java.text", "java.base/java.time", "java.base/java.util",
                    "java.base/java.util.concurrent", "java.base/java.util.concurrent.atomic",
                    "java.base/java.util.concurrent.locks")
            .map(p -> "--add-opens=" + p + "=ALL-UNNAMED").toList();
    private static final List<String> MODULE_EXPORTS = Stream.of("java.base/sun.net.util",
                    "java.rmi/sun.rmi.registry", "jdk.compiler/com.sun.tools.javac.api",
                    "jdk.compiler/com.sun.tools.javac.file", "jdk.compiler/com.sun.tools.javac.parser",
                    "jdk.compiler/com.sun.tools.javac.tree", "jdk.compiler/com.sun.tools.javac.util",
                    "java.security.jgss/sun.security.krb5")
            .map(p -> "--add-exports=" + p + "=ALL-UNNAMED").toList();

    /**
     * How to start a cluster.
     *
     * @param folder the cluster's folder (configuration, logs, checkpoints, savepoints)
     * @param flinkLib Flink's jars ({@code cluster/target/flink/lib})
     * @param taskManagers TaskManagers to start
     * @param slots task slots per TaskManager
     * @param restPort the REST API and web UI; 0 for a free port
     * @param configuration more Flink options, replacing the defaults
     */
    public record Settings(Path folder, Path flinkLib, int taskManagers, int slots, int restPort,
                           Map<String, String> configuration) {
        public Settings {
            if (taskManagers < 1 || slots < 1 || restPort < 0) {
                throw new IllegalArgumentException("a cluster needs at least one TaskManager with one slot");
            }
            configuration = Map.copyOf(configuration);
        }
    }

    private final Settings settings;
    private final int restPort;
    private final Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private StandaloneCluster(Settings settings, int restPort, Process jobManager) {
        this.settings = settings;
        this.restPort = restPort;
        this.jobManager = jobManager;
    }

    /** Makes a folder readable by its owner only (0700), where the file system has POSIX permissions. */
    private static void ownerOnly(Path folder) throws IOException {
        try {
            Files.setPosixFilePermissions(folder, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException notPosix) {
            // left as the platform makes it
        }
    }

    /** Writes the configuration, starts the JobManager and the TaskManagers, and waits until all have registered. */
    public static StandaloneCluster start(Settings settings) {
        if (!Files.isDirectory(settings.flinkLib())) {
            throw new IllegalArgumentException("no Flink lib folder at " + settings.flinkLib()
                    + " (build the project: mvn -DskipTests package)");
        }
        int restPort = settings.restPort() == 0 ? freePort() : settings.restPort();
        try {
            Files.createDirectories(settings.folder());
            ownerOnly(settings.folder()); // its checkpoints and savepoints hold face crops
            Files.createDirectories(settings.folder().resolve("conf"));
            Files.createDirectories(settings.folder().resolve("log"));
            Files.createDirectories(settings.folder().resolve("checkpoints"));
            Files.createDirectories(settings.folder().resolve("savepoints"));
            Files.writeString(settings.folder().resolve("conf/config.yaml"), configYaml(settings, restPort));
            Files.writeString(settings.folder().resolve("conf/log4j.properties"), LOG4J);
            Files.writeString(settings.folder().resolve("pids"), "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cluster's folder " + settings.folder(), e);
        }
        long started = System.nanoTime();
        StandaloneCluster cluster = new StandaloneCluster(settings, restPort,
                launch(settings.folder(), settings.flinkLib(), JOB_MANAGER, "jobmanager", "-Xmx512m"));
        try {
            for (int i = 0; i < settings.taskManagers(); i++) {
                cluster.addTaskManager();
            }
            cluster.awaitTaskManagers(settings.taskManagers(), Duration.ofSeconds(120));
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        LOG.info("Flink cluster up at {} with {} TaskManager(s) in {} ms (folder {})", cluster.restUrl(),
                settings.taskManagers(), (System.nanoTime() - started) / 1_000_000, settings.folder());
        return cluster;
    }

    /**
     * The configuration: loopback addresses, small memory, fast failure detection, the adaptive scheduler, retained
     * checkpoints, metrics.
     */
    static String configYaml(Settings settings, int restPort) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("jobmanager.rpc.address", "localhost");
        conf.put("jobmanager.rpc.port", Integer.toString(freePort()));
        conf.put("jobmanager.bind-host", "localhost");
        conf.put("jobmanager.memory.process.size", "1024m");
        conf.put("taskmanager.bind-host", "localhost");
        conf.put("taskmanager.host", "localhost");
        conf.put("taskmanager.numberOfTaskSlots", Integer.toString(settings.slots()));
        // what Flink's start scripts work out and pass to a TaskManager, given here: its cores and memory parts (the
        // JVM's -Xmx is framework plus task heap, its direct memory framework and task off-heap plus network)
        conf.put("taskmanager.cpu.cores", Integer.toString(settings.slots()));
        conf.put("taskmanager.memory.framework.heap.size", "128m");
        conf.put("taskmanager.memory.task.heap.size", "512m");
        conf.put("taskmanager.memory.framework.off-heap.size", "128m");
        conf.put("taskmanager.memory.task.off-heap.size", "64m");
        conf.put("taskmanager.memory.network.min", "64m");
        conf.put("taskmanager.memory.network.max", "64m");
        conf.put("taskmanager.memory.managed.size", "64m");
        conf.put("taskmanager.memory.jvm-metaspace.size", "256m");
        conf.put("taskmanager.memory.jvm-overhead.min", "192m");
        conf.put("taskmanager.memory.jvm-overhead.max", "192m");
        conf.put("rest.address", "localhost");
        conf.put("rest.bind-address", "localhost");
        conf.put("rest.port", Integer.toString(restPort));
        conf.put("parallelism.default", Integer.toString(settings.slots()));
        // the adaptive scheduler: a job runs on the slots there are, up to its parallelism, and rescales by itself
        // (from a checkpoint) when a TaskManager joins or leaves
        conf.put("jobmanager.scheduler", "adaptive");
        conf.put("jobmanager.adaptive-scheduler.submission.resource-stabilization-timeout", "5s");
        conf.put("jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling", "10s");
        conf.put("jobmanager.adaptive-scheduler.executing.resource-stabilization-timeout", "10s");
        // a lost TaskManager is noticed within seconds, not the default 50 s
        conf.put("heartbeat.interval", "2000");
        conf.put("heartbeat.timeout", "8000");
        conf.put("execution.checkpointing.dir", settings.folder().resolve("checkpoints").toUri().toString());
        conf.put("execution.checkpointing.savepoint-dir", settings.folder().resolve("savepoints").toUri().toString());
        conf.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        conf.put("execution.checkpointing.num-retained", "3");
        conf.put("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.put("metrics.reporter.prom.port", "9250-9270");
        conf.putAll(settings.configuration());
        return conf.entrySet().stream().map(e -> e.getKey() + ": " + quoted(e.getValue()))
                .collect(Collectors.joining("\n", "# written by emotion-stream's StandaloneCluster\n", "\n"));
    }

    private static String quoted(String value) {
        return value.matches("[A-Za-z0-9._:/-]+") ? value : "'" + value.replace("'", "''") + "'";
    }

    private static final String LOG4J = String.join("\n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = file",
            "appender.file.type = File",
            "appender.file.name = file",
            "appender.file.fileName = ${sys:log.file}",
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
            "logger.kafka.name = org.apache.kafka",
            "logger.kafka.level = WARN",
            "");

    /** Starts one more TaskManager (a replacement after a failure, or more capacity). */
    public synchronized Process addTaskManager() {
        Process process = startTaskManager(settings.folder(), settings.flinkLib(), "taskmanager-" + (taskManagers.size() + 1));
        taskManagers.add(process);
        return process;
    }

    /** Starts a TaskManager for the cluster whose folder this is (from another process than the one that started it). */
    public static Process startTaskManager(Path folder, Path flinkLib, String name) {
        return launch(folder, flinkLib, TASK_MANAGER, name, "-Xms640m", "-Xmx640m", "-XX:MaxDirectMemorySize=256m",
                "-XX:MaxMetaspaceSize=256m");
    }

    /** The TaskManagers started so far, dead ones included, in order of start. */
    public synchronized List<Process> taskManagers() {
        return List.copyOf(taskManagers);
    }

    private static Process launch(Path folder, Path flinkLib, String mainClass, String role, String... jvmOptions) {
        List<String> command = new ArrayList<>(List.of(java(), "-Dlog.file=" + folder.resolve("log/" + role + ".log"),
                "-Dlog4j.configurationFile=" + folder.resolve("conf/log4j.properties").toUri()));
        command.addAll(MODULE_OPENS);
        command.addAll(MODULE_EXPORTS);
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", flinkLib.toAbsolutePath() + "/*", mainClass,
                "--configDir", folder.resolve("conf").toString()));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(folder.resolve("log/" + role + ".out").toFile()).start();
            Files.writeString(folder.resolve("pids"), role + " " + process.pid() + "\n",
                    java.nio.file.StandardOpenOption.APPEND);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + role, e);
        }
    }

    /**
     * Runs Flink's CLI against this cluster ({@code run -d JAR ARGS}, {@code list}, {@code stop --savepointPath
     * ...}, {@code cancel ID}) and returns its exit status; its output is returned in {@code output}.
     */
    public int flink(List<String> output, String... args) {
        return flink(settings.folder(), settings.flinkLib(), output, args);
    }

    /** Flink's CLI, against the cluster whose folder this is. */
    public static int flink(Path folder, Path flinkLib, List<String> output, String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-Dlog.file=" + folder.resolve("log/client.log"),
                "-Dlog4j.configurationFile=" + folder.resolve("conf/log4j.properties").toUri()));
        command.addAll(MODULE_OPENS);
        command.addAll(MODULE_EXPORTS);
        command.addAll(List.of("-cp", flinkLib.toAbsolutePath() + "/*", CLI));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("FLINK_CONF_DIR", folder.resolve("conf").toString());
        try {
            Process process = builder.start();
            String text = new String(process.getInputStream().readAllBytes());
            output.addAll(text.lines().toList());
            return process.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run Flink's CLI", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public String restUrl() {
        return "http://localhost:" + restPort;
    }

    /** GET on the REST API, e.g. {@code /overview}, {@code /jobs/overview}. */
    public JsonNode rest(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(restUrl() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + ": HTTP " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Waits until this many TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!jobManager.isAlive()) {
                throw new IllegalStateException("the JobManager exited; see " + settings.folder().resolve("log"));
            }
            try {
                int registered = rest("/overview").path("taskmanagers").asInt();
                if (registered == count) {
                    return;
                }
                last = registered + " registered";
            } catch (RuntimeException e) {
                last = e.getMessage();
            }
            sleep(250);
        }
        throw new IllegalStateException("the cluster did not get " + count + " TaskManagers within " + timeout
                + " (" + last + "); see " + settings.folder().resolve("log"));
    }

    /** The state of a job ({@code RUNNING}, {@code RESTARTING}, {@code FINISHED}...). */
    public String jobState(String jobId) {
        return rest("/jobs/" + jobId).path("state").asText();
    }

    /** The newest completed checkpoint of a job as the REST API reports it, if any. */
    public Optional<String> latestCheckpoint(String jobId) {
        JsonNode latest = rest("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
        return latest.isMissingNode() || latest.isNull() ? Optional.empty()
                : Optional.of(latest.path("external_path").asText());
    }

    /** Stops every process of the cluster with SIGKILL (its folder stays). */
    @Override
    public synchronized void close() {
        for (Process p : taskManagers) {
            p.destroyForcibly();
        }
        jobManager.destroyForcibly();
        for (Process p : taskManagers) {
            waitFor(p);
        }
        waitFor(jobManager);
        try {
            Files.writeString(settings.folder().resolve("pids"), "");
        } catch (IOException e) {
            LOG.warn("cannot clear {}: {}", settings.folder().resolve("pids"), e.toString());
        }
    }

    /**
     * Stops the cluster whose folder this is, from another process: the processes its pid file lists that are still
     * this cluster's (their command line names its configuration), and waits for them to exit.
     */
    public static int stop(Path folder) throws IOException {
        String conf = folder.resolve("conf").toString();
        List<ProcessHandle> stopping = new ArrayList<>();
        for (String line : Files.readAllLines(folder.resolve("pids"))) {
            String[] fields = line.trim().split(" ");
            if (fields.length == 2) {
                Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(fields[1]))
                        .filter(p -> p.info().commandLine().map(c -> c.contains(conf)).orElse(false));
                if (process.isPresent() && process.get().destroy()) {
                    stopping.add(process.get());
                }
            }
        }
        for (ProcessHandle process : stopping) {
            try {
                process.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
            }
        }
        Files.writeString(folder.resolve("pids"), "");
        return stopping.size();
    }

    private static void waitFor(Process p) {
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flink's lib folder of this project's build. */
    public static Path defaultFlinkLib(Path projectHome) {
        return projectHome.resolve("cluster/target/flink/lib");
    }
}
