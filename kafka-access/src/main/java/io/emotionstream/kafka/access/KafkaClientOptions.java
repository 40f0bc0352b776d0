package io.emotionstream.kafka.access;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The Kafka client settings every command that talks to Kafka takes (a picocli mixin): a properties file, then single
 * properties on top. {@link #properties()} reads them as {@link KafkaAccess#clientProperties} does.
 */
public final class KafkaClientOptions {
    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "a properties file of Kafka client settings (TLS, SASL: e.g. the <user>.properties that "
                    + "`credentials` writes for the secure broker: camera, job, dashboard or admin); -X settings go "
                    + "on top")
    Path file;

    @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE",
            description = "a Kafka client property on top of --kafka-config, e.g. -X security.protocol=SASL_SSL "
                    + "(repeatable)")
    Map<String, String> properties = new LinkedHashMap<>();

    /** The file's settings with the single properties on top. */
    public Map<String, String> properties() {
        return KafkaAccess.clientProperties(file, properties);
    }
}
