package io.emotionstream.kafka.access;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Kafka client settings from a file and flags, and what a client may do: checked before a command starts work, so
 * that a wrong password or a missing ACL ends it with one line naming the user, the operation and the topic
 * ({@link KafkaAccessException}), not with a loop of retries and stack traces.
 */
public final class KafkaAccess {
    private static final Pattern USERNAME = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

    private KafkaAccess() {}

    /** A command's client settings: those of the properties file (if any), then the single overrides on top. */
    public static Map<String, String> clientProperties(Path file, Map<String, String> overrides) {
        Map<String, String> out = new LinkedHashMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("no Kafka client settings file " + file);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read Kafka client settings " + file + ": " + e.getMessage());
            }
            properties.stringPropertyNames().forEach(k -> out.put(k, properties.getProperty(k)));
        }
        out.putAll(overrides);
        return out;
    }

    /** Who the client is to the broker, for messages: its SASL user, else how it connects. */
    public static String principal(Map<String, ?> config) {
        Object jaas = config.get("sasl.jaas.config");
        if (jaas != null) {
            Matcher m = USERNAME.matcher(jaas.toString());
            if (m.find()) {
                return "user '" + m.group(1) + "'";
            }
        }
        Object protocol = config.get(AdminClientConfig.SECURITY_PROTOCOL_CONFIG);
        return protocol == null || protocol.toString().equalsIgnoreCase("PLAINTEXT") ? "an unauthenticated client"
                : "a " + protocol + " client without a SASL user";
    }

    /**
     * Checks that the client reaches Kafka, logs in, and may do each operation on its topic; the topics must exist
     * (a topic created a moment ago is waited for a few seconds, as it reaches the broker's metadata a moment later).
     *
     * @param needs per topic, the operation the command will do there (READ, WRITE)
     * @param missingTopicHint said after "has no topic X": how to make it
     * @throws KafkaAccessException naming what failed, in one line
     */
    public static void require(String bootstrapServers, Map<String, ?> clientConfig, Map<String, AclOperation> needs,
                               Duration timeout, String missingTopicHint) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        String who = principal(config);
        try (Admin admin = Admin.create(config)) {
            for (Map.Entry<String, AclOperation> need : needs.entrySet()) {
                String topic = need.getKey();
                String operation = need.getValue().name().toLowerCase();
                TopicDescription description = null;
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (description == null) {
                    try {
                        description = admin.describeTopics(Set.of(topic),
                                        new DescribeTopicsOptions().includeAuthorizedOperations(true))
                                .allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof TopicAuthorizationException) {
                            throw new KafkaAccessException("Kafka at " + bootstrapServers + " does not allow " + who
                                    + " to " + operation + " topic " + topic + " (no ACL grants it anything there)");
                        }
                        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                            throw e;
                        }
                        if (System.nanoTime() > deadline) {
                            throw new KafkaAccessException("Kafka at " + bootstrapServers + " has no topic " + topic
                                    + (missingTopicHint.isEmpty() ? "" : " (" + missingTopicHint + ")"));
                        }
                        Thread.sleep(250);
                    }
                }
                Set<AclOperation> allowed = description.authorizedOperations();
                if (allowed != null && !allowed.contains(need.getValue()) && !allowed.contains(AclOperation.ALL)) {
                    throw new KafkaAccessException("Kafka at " + bootstrapServers + " does not allow " + who + " to "
                            + operation + " topic " + topic + " (allowed there: "
                            + allowed.stream().map(o -> o.name().toLowerCase()).sorted().toList() + ")");
                }
            }
        } catch (KafkaAccessException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaAccessException("interrupted while checking access to Kafka at " + bootstrapServers);
        } catch (Exception e) {
            throw new KafkaAccessException(explain(e, bootstrapServers, config, timeout));
        }
    }

    /**
     * One line for a failure to reach or use Kafka: a refused login, a failed TLS handshake, a refused operation, or
     * no answer (which is also what a client without TLS sees from a TLS listener).
     */
    public static String explain(Throwable failure, String bootstrapServers, Map<String, ?> config, Duration timeout) {
        String who = principal(config);
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e instanceof SaslAuthenticationException) {
                String reason = rootMessage(e);
                return "Kafka at " + bootstrapServers + " refused the login of " + who + ": "
                        + (reason.contains("invalid credentials") ? "wrong user name or password ("
                        + config.get("sasl.mechanism") + ")" : reason);
            }
            if (e instanceof SslAuthenticationException) {
                return "TLS handshake with Kafka at " + bootstrapServers + " failed for " + who + ": "
                        + rootMessage(e) + " (check ssl.truststore.* in the client settings)";
            }
            if (e instanceof TopicAuthorizationException t && !t.unauthorizedTopics().isEmpty()) {
                return "Kafka at " + bootstrapServers + " does not allow " + who + " to use topic(s) "
                        + t.unauthorizedTopics();
            }
            if (e instanceof GroupAuthorizationException g) {
                return "Kafka at " + bootstrapServers + " does not allow " + who + " to use consumer group "
                        + g.groupId();
            }
            if (e instanceof TransactionalIdAuthorizationException) {
                return "Kafka at " + bootstrapServers + " does not allow " + who + " to use its transactional ids ("
                        + e.getMessage() + ")";
            }
            if (e instanceof AuthorizationException) {
                return "Kafka at " + bootstrapServers + " refused " + who + ": " + e.getMessage();
            }
            if (e instanceof TimeoutException || e instanceof org.apache.kafka.common.errors.TimeoutException) {
                return "cannot reach Kafka at " + bootstrapServers + " within " + timeout.toSeconds() + " s as " + who
                        + ": is it running there, and does it want other security settings (TLS, SASL: "
                        + "--kafka-config)?";
            }
        }
        return "cannot use Kafka at " + bootstrapServers + " as " + who + ": " + rootMessage(failure);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
