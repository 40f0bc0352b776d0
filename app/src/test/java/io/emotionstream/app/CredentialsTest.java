package io.emotionstream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.kafka.access.BrokerSecurity;
import io.emotionstream.model.ProjectPaths;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `credentials` gives each part only its own share (a camera's folder holds no other user's password), names the
 * broker's host in its certificate, keeps files to their owner; `setup-kafka` adds the ACLs as admin, again without
 * harm, and is refused to a camera in one line; the secured compose file trusts the broker's principal.
 */
class CredentialsTest {
    @TempDir
    Path temp;

    @Test
    void eachPartGetsOnlyItsShare() throws Exception {
        Path dir = temp.resolve("credentials");
        assertEquals(0, run("credentials", "--dir", dir.toString(), "--host", "kafka", "--mounted-at", "/secrets",
                "--site", "lobby"));
        Map<String, Set<String>> expected = Map.of(
                "camera-lobby", Set.of("camera-lobby.properties", "truststore.p12"),
                "broker", Set.of("broker.p12", "truststore.p12", "broker-ssl.properties", "admin-jaas", "scram-arguments"),
                "camera", Set.of("camera.properties", "truststore.p12"),
                "job", Set.of("job.properties", "truststore.p12"),
                "admin", Set.of("admin.properties", "truststore.p12"),
                "dashboard", Set.of("dashboard.properties", "truststore.p12", "dashboard.p12", "dashboard.p12.password",
                        "dashboard-logins"));
        for (Map.Entry<String, Set<String>> part : expected.entrySet()) {
            assertEquals(new TreeSet<>(part.getValue()), files(dir.resolve(part.getKey())), part.getKey());
            for (String file : part.getValue()) {
                assertEquals("rw-------", PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir.resolve(part.getKey()).resolve(file))), file);
            }
        }
        Properties secrets = properties(dir.resolve("authority/secrets.properties"));
        List<String> users = new ArrayList<>(BrokerSecurity.USERS);
        users.add("camera-lobby");
        for (String user : users) {
            String password = secrets.getProperty("user." + user);
            for (String part : expected.keySet()) {
                boolean mayHold = part.equals(user) || part.equals("broker"); // the broker: SCRAM arguments
                for (String file : expected.get(part)) {
                    if (!file.endsWith(".p12")) {
                        String text = Files.readString(dir.resolve(part).resolve(file));
                        assertTrue(mayHold || !text.contains(password), user + "'s password in " + part + "/" + file);
                    }
                }
            }
        }
        Properties job = properties(dir.resolve("job/job.properties"));
        assertEquals("/secrets/truststore.p12", job.getProperty("ssl.truststore.location"));
        assertTrue(job.getProperty("sasl.jaas.config").contains("username=\"job\""));
        assertTrue(properties(dir.resolve("camera-lobby/camera-lobby.properties")).getProperty("sasl.jaas.config")
                .contains("username=\"camera-lobby\""));
        assertTrue(Files.readString(dir.resolve("broker/scram-arguments")).contains("[name=camera-lobby,"),
                "the site's login is stored at format time");
        assertFalse(Files.readString(dir.resolve("broker/broker-ssl.properties")).contains(dir.toString()),
                "paths as mounted, not as made");

        Properties ssl = properties(dir.resolve("broker/broker-ssl.properties"));
        KeyStore keystore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("broker/broker.p12"))) {
            keystore.load(in, ssl.getProperty("ssl.keystore.password").toCharArray());
        }
        X509Certificate certificate = (X509Certificate) keystore.getCertificate("broker");
        assertEquals(BrokerSecurity.BROKER_PRINCIPAL, "User:" + certificate.getSubjectX500Principal().getName());
        Set<String> names = new TreeSet<>();
        certificate.getSubjectAlternativeNames().forEach(name -> names.add(String.valueOf(name.get(1))));
        assertEquals(Set.of("127.0.0.1", "localhost", "kafka"), names);

        // again: the authority and passwords are kept; other host names are refused, not silently ignored
        assertEquals(0, run("credentials", "--dir", dir.toString(), "--host", "kafka", "--mounted-at", "/secrets"));
        assertEquals(job, properties(dir.resolve("job/job.properties")));
        assertEquals(Main.BAD_INPUT, run("credentials", "--dir", dir.toString(), "--host", "broker.example.com"));
    }

    @Test
    void setupAddsTheAclsAsAdminAndIsRefusedToACamera() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(temp.resolve("kafka"), false, 0, Map.of(), true)) {
            String admin = broker.security().clientConfig("admin").toString();
            for (int i = 0; i < 2; i++) {
                assertEquals(0, run("setup-kafka", "-b", broker.bootstrapServers(), "--kafka-config", admin, "--acls",
                        "--site", "lobby"));
            }
            // the ACLs work: the job may read frames, also the site's (a topic made for it), a camera may not
            io.emotionstream.kafka.access.KafkaAccess.require(broker.bootstrapServers(),
                    broker.security().clientProperties("job"), Map.of("camera-frames",
                            org.apache.kafka.common.acl.AclOperation.READ, "camera-frames.lobby",
                            org.apache.kafka.common.acl.AclOperation.READ), java.time.Duration.ofSeconds(10), "");

            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setErr(new PrintWriter(err, true));
            assertEquals(Main.BAD_INPUT, cli.execute("setup-kafka", "-b", broker.bootstrapServers(), "--kafka-config",
                    broker.security().clientConfig("camera").toString(), "--acls"));
            assertEquals(1, err.toString().strip().lines().count(), err.toString());
            assertTrue(err.toString().startsWith("error: Kafka at " + broker.bootstrapServers() + " refused user "
                    + "'camera'"), err.toString());
        }
    }

    @Test
    void theSecuredComposeFileTrustsTheBrokersPrincipalAndGivesEachPartItsLogin() throws Exception {
        String compose = Files.readString(ProjectPaths.home().resolve("docker-compose.secure.yml"));
        assertTrue(compose.contains("super.users=User:admin;" + BrokerSecurity.BROKER_PRINCIPAL), "super users");
        for (String part : List.of("job", "camera", "dashboard", "admin")) {
            assertTrue(compose.contains("secrets-" + part + ":/etc/emotion-stream/secrets:ro"), part + "'s volume");
            assertTrue(compose.contains("/etc/emotion-stream/secrets/" + part + ".properties"), part + "'s login");
        }
    }

    private static int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }

    private static Set<String> files(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return new TreeSet<>(files.map(f -> f.getFileName().toString()).toList());
        }
    }

    private static Properties properties(Path file) throws Exception {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        }
        return props;
    }
}
