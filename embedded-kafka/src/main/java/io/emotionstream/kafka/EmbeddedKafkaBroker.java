package io.emotionstream.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import io.emotionstream.kafka.access.BrokerSecurity;
import io.emotionstream.kafka.access.PrivateFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in this process, in KRaft mode (broker and controller in one), on a loopback port given
 * or chosen at start (the controller's is always chosen). Every internal topic has one replica, so transactions and consumer groups work. Closing it shuts
 * the broker down and deletes its data unless the data folder was given.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String CONTROLLER = "CONTROLLER";

    private final KafkaRaftServer server;
    private final Path directory;
    private final boolean deleteOnClose;
    private final String bootstrapServers;

    private final BrokerSecurity security;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path directory, boolean deleteOnClose, String bootstrapServers,
                                BrokerSecurity security) {
        this.server = server;
        this.directory = directory;
        this.deleteOnClose = deleteOnClose;
        this.bootstrapServers = bootstrapServers;
        this.security = security;
    }

    /** Starts a broker with its data in a new temporary folder, deleted on close. */
    public static EmbeddedKafkaBroker start() {
        try {
            return start(Files.createTempDirectory("emotion-stream-kafka"), true, 0, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a broker.
     *
     * @param directory where logs and metadata go (created and formatted when new)
     * @param deleteOnClose delete the folder when the broker closes
     * @param port the clients' port on 127.0.0.1, so that a restarted broker keeps its address; 0 for a free one
     * @param overrides broker properties that replace the defaults (e.g. message.max.bytes)
     */
    public static EmbeddedKafkaBroker start(Path directory, boolean deleteOnClose, int port,
                                            Map<String, String> overrides) {
        return start(directory, deleteOnClose, port, overrides, false);
    }

    /**
     * Starts a broker, secured when asked: clients then connect with TLS and SCRAM-SHA-512 as one of {@link
     * BrokerSecurity#USERS} (their settings in {@link #security()}), and only what ACLs allow is allowed (the caller
     * adds them, as {@code admin}). A data folder keeps the mode it was made with.
     *
     * @param secure TLS, SCRAM users and the StandardAuthorizer (material in {@code directory/security})
     */
    public static EmbeddedKafkaBroker start(Path directory, boolean deleteOnClose, int port,
                                            Map<String, String> overrides, boolean secure) {
        long started = System.nanoTime();
        int brokerPort = port == 0 ? freePortOtherThan(-1) : port;
        int controllerPort = freePortOtherThan(brokerPort);
        Path data = directory.resolve("data");
        Path metadata = directory.resolve("metadata");
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        boolean formatted = Files.exists(metadata.resolve("meta.properties"));
        if (formatted && secure != Files.exists(directory.resolve("security"))) {
            throw new IllegalArgumentException("the broker data in " + directory + " was made "
                    + (secure ? "without" : "with") + " --secure; keep the mode, or start on a new data folder");
        }
        String clients = secure ? "SASL_SSL" : "PLAINTEXT";
        props.put("listeners", clients + "://127.0.0.1:" + brokerPort + "," + CONTROLLER + "://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", clients + "://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", CONTROLLER);
        props.put("inter.broker.listener.name", clients);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        BrokerSecurity security = null;
        if (secure) {
            security = BrokerSecurity.prepare(directory.resolve("security"));
            props.putAll(security.brokerProperties(clients, CONTROLLER));
        }
        props.put("log.dirs", data.toString());
        props.put("metadata.log.dir", metadata.toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        // expired segments (frames, which show faces) deleted within a minute, not Kafka's default five
        props.put("log.retention.check.interval.ms", "60000");
        props.putAll(overrides);
        try {
            PrivateFolders.create(directory); // frames show faces: no other local user may read them
            Files.createDirectories(data);
            Files.createDirectories(metadata);
            if (!formatted) {
                Formatter formatter = new Formatter();
                if (secure) {
                    formatter.setScramArguments(security.scramArguments());
                }
                formatter
                        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                        .setNodeId(1)
                        .setClusterId(Uuid.randomUuid().toString())
                        .setDirectories(List.of(data.toString(), metadata.toString()))
                        .setMetadataLogDirectory(metadata.toString())
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                        .setControllerListenerName(CONTROLLER)
                        .run();
            }
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            String bootstrap = "127.0.0.1:" + brokerPort;
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, directory, deleteOnClose, bootstrap, security);
            LOG.info("Embedded Kafka broker on {}{} (data in {}), started in {} ms", bootstrap,
                    secure ? " (TLS, SCRAM-SHA-512, ACLs)" : "", directory, (System.nanoTime() - started) / 1_000_000);
            return broker;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded Kafka broker in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** host:port for clients' bootstrap.servers. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Whether clients must use TLS and SCRAM (and ACLs apply). */
    public boolean secure() {
        return security != null;
    }

    /** The users' client settings of a secure broker. */
    public BrokerSecurity security() {
        if (security == null) {
            throw new IllegalStateException("the broker is not secured");
        }
        return security;
    }

    /** Settings for an administrator's client: bootstrap servers, and on a secure broker the admin user's login. */
    public Map<String, Object> adminConfig() {
        Map<String, Object> config = new HashMap<>();
        if (security != null) {
            config.putAll(security.clientProperties(BrokerSecurity.ADMIN));
        }
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    /** Creates these topics, which must not exist yet (for tests; commands use schemas' TopicCreator). */
    public void createTopics(Collection<NewTopic> topics) {
        try (Admin admin = Admin.create(adminConfig())) {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics on " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                LOG.warn("could not delete {}: {}", directory, e.getMessage());
            }
        }
    }

    /** A port free now, never {@code taken} (the OS may hand a just-closed port out again). */
    private static int freePortOtherThan(int taken) {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                socket.setReuseAddress(true);
                if (socket.getLocalPort() != taken) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on loopback", e);
            }
        }
        throw new IllegalStateException("no free port on loopback other than " + taken);
    }
}
