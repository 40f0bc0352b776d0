package io.emotionstream.app;

import io.emotionstream.dashboard.SummaryApp;
import io.emotionstream.dashboard.SummarySettings;
import io.emotionstream.dashboard.WebOptions;
import io.emotionstream.ingest.AgentSettings;
import io.emotionstream.ingest.CameraAgent;
import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.ingest.StopOnSignal;
import io.emotionstream.job.EmotionJob;
import io.emotionstream.job.KafkaSettings;
import io.emotionstream.job.PipelineOptions;
import io.emotionstream.job.PipelineSettings;
import io.emotionstream.job.RunSettings;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.kafka.access.BrokerSecurity;
import io.emotionstream.kafka.access.KafkaUser;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.schema.DeadLetter;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.LabelProbability;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs everything in one process: an embedded Kafka broker (or --bootstrap-servers), the Flink job "
                + "on a local cluster, and camera agents on the sample videos (or the cameras given), and prints emotion "
                + "events as they arrive, until stopped (Ctrl-C) or until the videos end when they do not loop.",
                "The model, face-stage, clip and scoring flags are the job's own (see `job --help`)."})
final class DemoCommand implements Callable<Integer> {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    /** The header of the table of events. */
    static final String HEADER = String.format("%-12s %-14s %-5s %-10s %6s  %-44s %-8s %s", "time", "camera", "face",
            "emotion", "conf", "probabilities", "latency", "steady");

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CAMERA", arity = "0..*",
            description = "cameras as for `agent` (ID=SOURCE); default: the videos in samples/video")
    List<String> cameras = new ArrayList<>();

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT",
            description = "use this Kafka instead of starting an embedded broker")
    String bootstrapServers;

    @Option(names = "--loop", description = "loop video files and folders (run until stopped)")
    boolean loop;

    @Option(names = "--rate", paramLabel = "RATE", defaultValue = "native",
            description = "publishing rate as for `agent` (default: ${DEFAULT-VALUE})")
    String rate;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "" + Topics.FRAME_PARTITIONS,
            description = "partitions of the frames topic when the demo creates it (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--frames-retention-minutes", paramLabel = "MIN", defaultValue = "" + Topics.FRAME_RETENTION_MINUTES,
            description = "keep frames (faces) this long when the demo creates the frames topic (default: ${DEFAULT-VALUE})")
    int framesRetentionMinutes;

    @Option(names = "--settle-seconds", paramLabel = "S", defaultValue = "8",
            description = "after the videos end, wait this long for the last events (default: ${DEFAULT-VALUE})")
    int settleSeconds;

    @Option(names = "--dashboard-port", paramLabel = "PORT", defaultValue = "8080",
            description = "port of the live dashboard; 0 for any free one (default: ${DEFAULT-VALUE})")
    int dashboardPort;

    @Option(names = "--secure", description = "start the embedded broker secured (as `broker --secure`: TLS, "
            + "SCRAM logins, ACLs) and run each part as its own user")
    boolean secure;

    @Mixin
    PipelineOptions pipeline;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<CameraSpec> specs = cameraSpecs();
        PipelineSettings settings = pipeline.settings();
        if (secure && bootstrapServers != null) {
            throw new IllegalArgumentException("--secure secures the embedded broker; with --bootstrap-servers run "
                    + "each part on its own with its --kafka-config (see docs/security.md)");
        }
        try (StopOnSignal stop = new StopOnSignal();
             EmbeddedKafkaBroker broker = bootstrapServers == null ? startBroker(err) : null) {
            String bootstrap = broker == null ? bootstrapServers : broker.bootstrapServers();
            err.println("Kafka: " + bootstrap + (secure ? " (TLS, SCRAM-SHA-512, ACLs; users' settings in "
                    + broker.security().folder() + ")" : ""));
            if (broker != null) {
                BrokerCommand.prepare(broker, partitions, framesRetentionMinutes);
            } else {
                BrokerCommand.prepare(bootstrap, Map.of(), false, partitions, framesRetentionMinutes, List.of());
            }
            err.println("starting the Flink job on a local cluster...");
            KafkaSettings kafka = KafkaSettings.defaults(bootstrap).withClientProperties(login(broker, KafkaUser.JOB));
            RunSettings run = RunSettings.of(2, RunSettings.DEFAULT_CHECKPOINT_INTERVAL_MILLIS);
            JobClient jobClient = EmotionJob.onKafka(kafka, settings, run).executeAsync("emotion-stream-demo");
            Map<String, String> camera = new LinkedHashMap<>(login(broker, KafkaUser.CAMERA));
            camera.put("bootstrap.servers", bootstrap);
            WebOptions web = WebOptions.local("127.0.0.1", dashboardPort);
            if (secure) {
                BrokerSecurity security = broker.security();
                web = web.withHttps(security.dashboardKeystore(),
                        Files.readString(security.dashboardKeystorePasswordFile()).strip());
            }
            try (SummaryApp dashboard = DashboardCommand.start(bootstrap, SummarySettings.defaults(),
                         login(broker, KafkaUser.DASHBOARD), Files.createTempDirectory("emotion-stream-summaries"), web);
                 KafkaConsumer<String, byte[]> events = consumer(bootstrap, login(broker, KafkaUser.ADMIN));
                 CameraAgent agent = CameraAgent.start(specs,
                         AgentSettings.defaults(Topics.FRAMES.defaultName()).withRate(rate, loop), camera)) {
                err.printf("publishing %d camera(s): %s%n", specs.size(),
                        specs.stream().map(c -> c.cameraId() + "=" + c.source()).toList());
                out.printf("live dashboard: %s://127.0.0.1:%d/   (API: /api/cameras)%s%n", secure ? "https" : "http",
                        dashboard.port(), secure ? "; its certificate is signed by " + broker.security()
                                .authorityCertificate() + ", which the browser does not know" : "");
                printEvents(out, err, events, agent);
            } finally {
                err.println("stopping the job...");
                jobClient.cancel().get();
            }
        }
        return 0;
    }

    private EmbeddedKafkaBroker startBroker(PrintWriter err) throws IOException {
        err.println("starting an embedded Kafka broker" + (secure ? " (secured)" : "") + "...");
        return EmbeddedKafkaBroker.start(Files.createTempDirectory("emotion-stream-kafka"), true, 0, Map.of(), secure);
    }

    /** A user's client settings on the secure embedded broker; none otherwise. */
    private static Map<String, String> login(EmbeddedKafkaBroker broker, KafkaUser user) {
        return broker != null && broker.secure() ? broker.security().clientProperties(user.userName()) : Map.of();
    }

    /** Prints events and dead letters until interrupted, or until the videos ended and no event came for a while. */
    private void printEvents(PrintWriter out, PrintWriter err, KafkaConsumer<String, byte[]> events, CameraAgent agent) {
        out.println(HEADER);
        out.flush();
        Map<String, Map<String, Integer>> summary = new TreeMap<>();
        int deadLetters = 0;
        long settleUntil = Long.MAX_VALUE;
        try {
            while (!Thread.currentThread().isInterrupted() && System.currentTimeMillis() < settleUntil) {
                for (ConsumerRecord<String, byte[]> record : events.poll(Duration.ofMillis(250))) {
                    if (record.topic().equals(Topics.DEAD_LETTERS.defaultName())) {
                        deadLetters++;
                        DeadLetter letter = SingleObject.decode(DeadLetter.class, record.value());
                        err.printf("dead letter: %s %s (%s)%n", letter.getReason(), letter.getDetail(), letter.getCameraId());
                        continue;
                    }
                    EmotionEvent event = SingleObject.decode(EmotionEvent.class, record.value());
                    print(out, event);
                    String emotion = event.getConfident() ? event.getLabel() : "uncertain";
                    summary.computeIfAbsent(event.getCameraId(), k -> new TreeMap<>()).merge(emotion, 1, Integer::sum);
                    if (settleUntil != Long.MAX_VALUE) {
                        settleUntil = System.currentTimeMillis() + settleSeconds * 1000L;
                    }
                }
                if (settleUntil == Long.MAX_VALUE && !agent.running()) {
                    err.printf("videos ended; waiting up to %d s for the last events%n", settleSeconds);
                    settleUntil = System.currentTimeMillis() + settleSeconds * 1000L;
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // Ctrl-C while polling
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Thread.interrupted(); // clean up without the interrupt
        out.println();
        out.println("events per camera and emotion: " + summary + (deadLetters > 0 ? "; dead letters: " + deadLetters : ""));
        out.flush();
    }

    private List<CameraSpec> cameraSpecs() throws IOException {
        List<CameraSpec> specs = new ArrayList<>();
        if (cameras.isEmpty()) {
            Path samples = ProjectPaths.home().resolve("samples").resolve("video");
            try (Stream<Path> files = Files.list(samples)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".mp4")).sorted().toList()) {
                    specs.add(CameraSpec.parse(file.toString()));
                }
            }
            if (specs.isEmpty()) {
                throw new IllegalArgumentException("no sample videos in " + samples + "; name cameras to publish");
            }
        } else {
            for (String camera : cameras) {
                specs.add(CameraSpec.parse(camera));
            }
        }
        return specs;
    }

    /**
     * A read_committed consumer of events and dead letters, positioned now at their ends (no group needed); on the
     * secure broker it reads as admin, the operator.
     */
    private static KafkaConsumer<String, byte[]> consumer(String bootstrap, Map<String, String> login) {
        Map<String, Object> config = new LinkedHashMap<>(login);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.EMOTION_EVENTS.defaultName(), Topics.DEAD_LETTERS.defaultName())) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private static void print(PrintWriter out, EmotionEvent event) {
        out.println(row(event));
        out.flush();
    }

    /**
     * An event as a row of the table: the capture time of the clip's last frame, the camera, the face (its track), the
     * clip's emotion (or uncertain), its confidence and probabilities, the latency and the face's steady emotion.
     */
    static String row(EmotionEvent event) {
        StringBuilder probabilities = new StringBuilder();
        for (LabelProbability p : event.getProbabilities()) {
            probabilities.append(String.format("%s %.2f ", p.getLabel().substring(0, 3), p.getProbability()));
        }
        return String.format("%-12s %-14s %-5s %-10s %5.0f%%  %-44s %5.1f s  %s",
                LocalTime.ofInstant(event.getClipEndTime(), ZoneId.systemDefault()).format(CLOCK), event.getCameraId(),
                "#" + event.getFaceTrack(), event.getConfident() ? event.getLabel() : "uncertain",
                100 * event.getConfidence(), probabilities.toString().trim(), event.getProcessingLatencyMs() / 1000.0,
                event.getSmoothed() == null ? "-" : event.getSmoothed().getLabel());
    }
}
