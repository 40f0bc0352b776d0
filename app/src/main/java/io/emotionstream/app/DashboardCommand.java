package io.emotionstream.app;

import io.emotionstream.dashboard.SummaryApp;
import io.emotionstream.dashboard.SummarySettings;
import io.emotionstream.dashboard.WebOptions;
import io.emotionstream.ingest.StopOnSignal;
import io.emotionstream.kafka.access.KafkaAccess;
import io.emotionstream.kafka.access.KafkaClientOptions;
import io.emotionstream.kafka.access.TopicCreator;
import io.emotionstream.schema.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.acl.AclOperation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Runs the summary app: per-camera window summaries of the emotion events (Kafka Streams, "
                + "exactly once, state kept in --state-dir), the summaries topic, an HTTP API and the live web "
                + "dashboard, until stopped."})
final class DashboardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${sys:java.io.tmpdir}/emotion-stream-summaries",
            description = "where the window stores live between runs (default: ${DEFAULT-VALUE})")
    Path stateDir;

    @Mixin
    KafkaClientOptions kafkaClient = new KafkaClientOptions();

    @Option(names = "--logins", paramLabel = "FILE",
            description = "require HTTP Basic logins from this file of name:password lines (required when --host is "
                    + "not a loopback address)")
    Path logins;

    @Option(names = "--without-logins", description = "serve without logins even when --host is not a loopback "
            + "address: only where something else limits who connects (a container whose port is published on the "
            + "host's loopback only, a proxy that authenticates)")
    boolean withoutLogins;

    @Option(names = "--advertised-host", paramLabel = "HOST",
            description = "the name or address other instances of the dashboard reach this one at: several instances "
                    + "(the same Kafka, each with its own --state-dir) share the cameras, and each answers for all by "
                    + "asking the one that holds a camera (default: --host, or this machine's name when that is a "
                    + "wildcard address)")
    String advertisedHost;

    @Option(names = "--https-keystore", paramLabel = "FILE",
            description = "serve HTTPS with the key and certificate of this PKCS12 keystore (e.g. the secure "
                    + "broker's security/dashboard.p12)")
    Path httpsKeystore;

    @Option(names = "--https-keystore-password-file", paramLabel = "FILE",
            description = "the keystore's password, on the file's first line (e.g. security/dashboard.p12.password)")
    Path httpsKeystorePasswordFile;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SummarySettings settings = SummarySettings.defaults();
        WebOptions web = new WebOptions(host, port, logins, httpsKeystore,
                httpsKeystorePasswordFile == null ? null : password(httpsKeystorePasswordFile), withoutLogins,
                advertisedHost);
        try (StopOnSignal stop = new StopOnSignal(); SummaryApp app = start(bootstrapServers, settings,
                kafkaClient.properties(), stateDir, web)) {
            out.println("dashboard: " + (web.https() ? "https" : "http") + "://" + host + ":" + app.port()
                    + "/   (API: /api/cameras" + (logins == null ? "" : "; logins required") + "; Ctrl-C to stop)");
            out.flush();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException stopped) {
                Thread.interrupted();
            }
        }
        return 0;
    }

    private static String password(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().orElse("").strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the keystore password from " + file + ": " + e.getMessage());
        }
    }

    /**
     * Creates the app's topics where missing (where the client may), checks that it may read events and write
     * summaries and dead letters, and starts it.
     */
    static SummaryApp start(String bootstrap, SummarySettings settings, Map<String, String> properties, Path stateDir,
                            WebOptions web) throws Exception {
        Duration timeout = Duration.ofSeconds(15);
        try {
            TopicCreator.createMissing(bootstrap, properties, List.of(
                    Topics.EMOTION_EVENTS.newTopic(settings.eventsTopic()),
                    Topics.CAMERA_SUMMARIES.newTopic(settings.summariesTopic()),
                    Topics.SUMMARY_DEAD_LETTERS.newTopic(settings.deadLettersTopic())));
        } catch (IllegalStateException mayNotCreate) {
            // a user without the right to create topics: the check below names a missing one, or what else is wrong
        }
        Map<String, AclOperation> needs = new LinkedHashMap<>();
        needs.put(settings.eventsTopic(), AclOperation.READ);
        needs.put(settings.summariesTopic(), AclOperation.WRITE);
        needs.put(settings.deadLettersTopic(), AclOperation.WRITE);
        KafkaAccess.require(bootstrap, properties, needs, timeout,
                "an administrator creates the project's topics: `emotion-stream setup-kafka`");
        Map<String, String> kafka = new LinkedHashMap<>(properties);
        kafka.put("bootstrap.servers", bootstrap);
        return SummaryApp.start(settings, kafka, stateDir, web);
    }
}
