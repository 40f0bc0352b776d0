package io.emotionstream.app;

import io.emotionstream.kafka.access.KafkaAccess;
import io.emotionstream.kafka.access.KafkaAccessException;
import io.emotionstream.kafka.access.KafkaClientOptions;
import io.emotionstream.schema.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "setup-kafka", mixinStandardHelpOptions = true,
        description = {"Prepares a Kafka cluster for the project, as its administrator: creates the project's topics "
                + "where missing (the frames topic with its short retention) and, with --acls, adds the ACLs of the "
                + "users camera, job and dashboard, and of each site's camera user (each may do only its part; see "
                + "docs/security.md). Adding what exists changes nothing, so it can run at every start."})
final class SetupKafkaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Mixin
    KafkaClientOptions kafkaClient = new KafkaClientOptions();

    @Option(names = "--acls", description = "add the users' ACLs (the cluster must run an authorizer)")
    boolean acls;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "" + Topics.FRAME_PARTITIONS,
            description = "partitions of the frames topic (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--frames-retention-minutes", paramLabel = "MIN", defaultValue = "" + Topics.FRAME_RETENTION_MINUTES,
            description = "keep frames (faces) this long (default: ${DEFAULT-VALUE})")
    int framesRetentionMinutes;

    @Option(names = "--site", paramLabel = "NAME", description = "a site's own frames topic (camera-frames.NAME) and, "
            + "with --acls, the ACLs of its camera user camera-NAME (write that topic only) and of the job (read it); "
            + "repeatable. The user's login comes from `credentials --site NAME`")
    List<String> sites = new ArrayList<>();

    @Override
    public Integer call() {
        Map<String, String> config = kafkaClient.properties();
        try {
            BrokerCommand.prepare(bootstrapServers, config, acls, partitions, framesRetentionMinutes, sites);
        } catch (IllegalStateException e) {
            throw new KafkaAccessException(KafkaAccess.explain(e, bootstrapServers, config, Duration.ofSeconds(30)));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Kafka at " + bootstrapServers + " has the project's topics" + (acls ? " and the users' ACLs" : ""));
        out.flush();
        return 0;
    }
}
