package io.emotionstream.app;

import io.emotionstream.ingest.StopOnSignal;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.schema.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
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

    @Option(names = "--data", paramLabel = "DIR", description = "keep the broker's data here (default: a temporary folder, deleted at exit)")
    Path data;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
            description = "partitions of the frames topic (default: ${DEFAULT-VALUE})")
    int partitions;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (StopOnSignal stop = new StopOnSignal();
             EmbeddedKafkaBroker broker = data == null ? EmbeddedKafkaBroker.start()
                     : EmbeddedKafkaBroker.start(data, false, Map.of())) {
            TopicCreator.createMissing(broker.bootstrapServers(), List.of(
                    new NewTopic(Topics.FRAMES.defaultName(), partitions, (short) 1),
                    new NewTopic(Topics.EMOTION_EVENTS.defaultName(), 1, (short) 1),
                    new NewTopic(Topics.DEAD_LETTERS.defaultName(), 1, (short) 1)));
            out.println("Kafka broker on " + broker.bootstrapServers() + " (Ctrl-C to stop)");
            out.flush();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException stopped) {
                Thread.interrupted();
            }
        }
        return 0;
    }
}
