package io.emotionstream.app;

import io.emotionstream.dashboard.SummaryApp;
import io.emotionstream.dashboard.SummarySettings;
import io.emotionstream.ingest.StopOnSignal;
import io.emotionstream.job.KafkaSettings;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.kafka.access.AccessPolicy;
import io.emotionstream.kafka.access.BrokerSecurity;
import io.emotionstream.kafka.access.TopicCreator;
import io.emotionstream.schema.CameraSites;
import io.emotionstream.schema.PublishedSchemas;
import io.emotionstream.schema.Topics;
import io.emotionstream.schema.VideoFrame;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Runs the embedded single-node Kafka broker (KRaft) on its own, with the project's topics, until "
                + "stopped: for running agents and the job as separate processes on one machine.")
final class BrokerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "keep the broker's data here, to survive restarts "
            + "(default: a temporary folder, deleted at exit)")
    Path data;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
            description = "clients' port on 127.0.0.1, kept across restarts; 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "" + Topics.FRAME_PARTITIONS,
            description = "partitions of the frames topic (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--frames-retention-minutes", paramLabel = "MIN", defaultValue = "" + Topics.FRAME_RETENTION_MINUTES,
            description = "keep frames (faces) this long when creating the frames topic; they are gone about 1.2 times "
                    + "this plus a minute after they came (default: ${DEFAULT-VALUE})")
    int framesRetentionMinutes;

    @Option(names = "--secure", description = "TLS and SCRAM-SHA-512 logins for users camera, job, dashboard and "
            + "admin (keys, certificates and passwords made on first start in the data folder's security/, with each "
            + "user's client settings for --kafka-config), and ACLs: each user may do only its part")
    boolean secure;

    @Option(names = "--site", paramLabel = "NAME", description = "with --secure: a site with a camera login of its "
            + "own (user camera-NAME), which may write only the site's frames topic (camera-frames.NAME; the job names "
            + "its cameras NAME:ID); repeatable, and kept in the data folder (see docs/security.md)")
    List<String> sites = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!sites.isEmpty() && !secure) {
            throw new IllegalArgumentException("--site needs --secure: without logins any client may write any "
                    + "site's frames topic");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (StopOnSignal stop = new StopOnSignal();
             EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(
                     data == null ? Files.createTempDirectory("emotion-stream-kafka") : data, data == null, port,
                     Map.of(), secure)) {
            prepare(broker, partitions, framesRetentionMinutes, sites);
            out.println("Kafka broker on " + broker.bootstrapServers() + " (Ctrl-C to stop), with topics");
            for (Topics.Topic<?> topic : List.of(Topics.FRAMES, Topics.EMOTION_EVENTS, Topics.DEAD_LETTERS,
                    Topics.SCHEMAS, Topics.CAMERA_SUMMARIES, Topics.SUMMARY_DEAD_LETTERS)) {
                out.println("  " + topic.describe(topic.defaultName()));
            }
            if (secure) {
                out.println("secured: TLS + SCRAM-SHA-512, ACLs; each user's client settings (--kafka-config):");
                for (String user : broker.security().users()) {
                    out.println("  " + user + ": " + broker.security().clientConfig(user));
                }
            }
            out.flush();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException stopped) {
                Thread.interrupted();
            }
        }
        return 0;
    }

    /**
     * The project's topics created where missing, the agents' frame schema published (cameras may not write the
     * schemas topic on a secured Kafka), and on a secure broker the users' ACLs added (as admin).
     */
    static void prepare(EmbeddedKafkaBroker broker, int partitions, int framesRetentionMinutes) {
        prepare(broker, partitions, framesRetentionMinutes, List.of());
    }

    /**
     * As above, with these sites' frames topics; on a secure broker, with their camera logins (made where missing,
     * kept in its security folder) and their ACLs, and those of the sites added at earlier starts.
     */
    static void prepare(EmbeddedKafkaBroker broker, int partitions, int framesRetentionMinutes, List<String> sites) {
        List<String> all = sites;
        if (broker.secure()) {
            BrokerSecurity security = broker.security().addSites(sites);
            security.registerSiteLogins(broker.adminConfig());
            all = security.sites();
        }
        prepare(broker.bootstrapServers(), broker.adminConfig(), broker.secure(), partitions, framesRetentionMinutes,
                all);
    }

    /** The ACLs of the project's users for the default names of topics, the job's group and the summary app. */
    static AccessPolicy defaultAccessPolicy() {
        SummarySettings summaries = SummarySettings.defaults();
        return new AccessPolicy(Topics.FRAMES.defaultName(), Topics.EMOTION_EVENTS.defaultName(),
                Topics.DEAD_LETTERS.defaultName(), Topics.SCHEMAS.defaultName(), summaries.summariesTopic(),
                summaries.deadLettersTopic(), KafkaSettings.DEFAULT_GROUP_ID,
                KafkaSettings.DEFAULT_TRANSACTIONAL_ID_PREFIX, SummaryApp.APPLICATION_ID, List.of());
    }

    /** As above, on any Kafka, through an administrator's client settings. */
    static void prepare(String bootstrap, Map<String, ?> adminConfig, boolean acls, int partitions,
                        int framesRetentionMinutes, List<String> sites) {
        if (acls) {
            Map<String, Object> config = new java.util.HashMap<>(adminConfig);
            config.put("bootstrap.servers", bootstrap);
            defaultAccessPolicy().withSites(sites).apply(config);
        }
        List<NewTopic> topics = new ArrayList<>();
        String frames = Topics.FRAMES.defaultName();
        topics.add(Topics.FRAMES.newTopic(frames, partitions, Topics.frameRetention(framesRetentionMinutes)));
        for (String site : sites) {
            topics.add(Topics.FRAMES.newTopic(CameraSites.framesTopic(frames, site), partitions,
                    Topics.frameRetention(framesRetentionMinutes)));
        }
        topics.addAll(List.of(Topics.EMOTION_EVENTS.newTopic(), Topics.DEAD_LETTERS.newTopic(),
                Topics.SCHEMAS.newTopic(), Topics.CAMERA_SUMMARIES.newTopic(), Topics.SUMMARY_DEAD_LETTERS.newTopic()));
        TopicCreator.createMissing(bootstrap, adminConfig, topics);
        Map<String, String> client = new java.util.HashMap<>();
        adminConfig.forEach((key, value) -> client.put(key, String.valueOf(value)));
        PublishedSchemas.publish(new PublishedSchemas.Source(bootstrap, Topics.SCHEMAS.defaultName(), client),
                VideoFrame.getClassSchema(), Duration.ofSeconds(15));
    }
}
