package io.emotionstream.cluster;

import io.emotionstream.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The embedded broker in a JVM of its own, on a fixed port with its data in a folder, so a test can SIGKILL it. */
final class BrokerProcess {
    private BrokerProcess() {}

    /** {@code BrokerProcess PORT DATA_DIR}: runs until killed. */
    public static void main(String[] args) throws Exception {
        EmbeddedKafkaBroker.start(Path.of(args[1]), false, Integer.parseInt(args[0]), Map.of());
        Thread.sleep(Long.MAX_VALUE);
    }

    static Process start(int port, Path data, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName(),
                Integer.toString(port), data.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }
}
