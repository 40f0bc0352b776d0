package io.emotionstream.kafka.access;

import io.emotionstream.schema.CameraSites;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on a secured Kafka, as ACLs for the {@link KafkaUser}s of the embedded secure broker (and of the
 * secured compose file), for the names of the topics, the job's consumer group and transactional id prefix and the
 * summary app's application id (the command line makes it with the defaults). Everything not granted here is refused (the broker runs with {@code
 * allow.everyone.if.no.acl.found=false}):
 * <ul>
 *   <li>{@code camera}: write frames, nothing else (not even the schemas topic, where a record under another
 *   schema's key would erase it once compacted: the administrator publishes the frame schema, {@code setup-kafka});</li>
 *   <li>{@code job}: read frames and schemas with its consumer group, write events and dead letters, use its
 *   transactional ids;</li>
 *   <li>{@code dashboard}: read events, write summaries and summary dead letters, and everything on the topics,
 *   group and transactional ids named after its application id (Kafka Streams' internal topics, exactly once); the
 *   {@code events} command reads events as this user too;</li>
 *   <li>{@code admin}: a super user (topics, ACLs);</li>
 *   <li>{@code camera-SITE}, for each site: write the site's own frames topic ({@code <frames>.SITE}), nothing else;
 *   the job may read it ({@link CameraSites}).</li>
 * </ul>
 */
public record AccessPolicy(String frames, String events, String deadLetters, String schemas, String summaries,
                           String summaryDeadLetters, String jobGroup, String jobTransactionalIdPrefix,
                           String dashboardApplicationId, List<String> sites) {

    public AccessPolicy {
        sites.forEach(CameraSites::require);
        sites = List.copyOf(sites);
    }

    /** The same policy with these sites' camera users (and the job's right to read their frames) besides. */
    public AccessPolicy withSites(List<String> sites) {
        return new AccessPolicy(frames, events, deadLetters, schemas, summaries, summaryDeadLetters, jobGroup,
                jobTransactionalIdPrefix, dashboardApplicationId, sites);
    }

    public List<AclBinding> bindings() {
        List<AclBinding> acls = new ArrayList<>();
        allow(acls, KafkaUser.CAMERA, ResourceType.TOPIC, frames, false, AclOperation.WRITE);
        for (String site : sites) {
            String topic = CameraSites.framesTopic(frames, site);
            allow(acls, CameraSites.userName(site), ResourceType.TOPIC, topic, false, AclOperation.WRITE);
            allow(acls, KafkaUser.JOB, ResourceType.TOPIC, topic, false, AclOperation.READ);
        }

        allow(acls, KafkaUser.JOB, ResourceType.TOPIC, frames, false, AclOperation.READ);
        allow(acls, KafkaUser.JOB, ResourceType.TOPIC, schemas, false, AclOperation.READ);
        allow(acls, KafkaUser.JOB, ResourceType.GROUP, jobGroup, false, AclOperation.READ);
        allow(acls, KafkaUser.JOB, ResourceType.TOPIC, events, false, AclOperation.WRITE);
        allow(acls, KafkaUser.JOB, ResourceType.TOPIC, deadLetters, false, AclOperation.WRITE);
        allow(acls, KafkaUser.JOB, ResourceType.TRANSACTIONAL_ID, jobTransactionalIdPrefix, true, AclOperation.WRITE);

        allow(acls, KafkaUser.DASHBOARD, ResourceType.TOPIC, events, false, AclOperation.READ);
        allow(acls, KafkaUser.DASHBOARD, ResourceType.TOPIC, summaries, false, AclOperation.WRITE);
        allow(acls, KafkaUser.DASHBOARD, ResourceType.TOPIC, summaryDeadLetters, false, AclOperation.WRITE);
        allow(acls, KafkaUser.DASHBOARD, ResourceType.TOPIC, dashboardApplicationId + "-", true, AclOperation.ALL);
        allow(acls, KafkaUser.DASHBOARD, ResourceType.GROUP, dashboardApplicationId, false, AclOperation.READ);
        allow(acls, KafkaUser.DASHBOARD, ResourceType.TRANSACTIONAL_ID, dashboardApplicationId + "-", true,
                AclOperation.WRITE);
        return acls;
    }

    /** Adds the ACLs through an administrator's client (adding one that exists changes nothing). */
    public void apply(Map<String, Object> adminConfig) {
        try (Admin admin = Admin.create(adminConfig)) {
            admin.createAcls(bindings()).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the ACLs: " + e.getMessage(), e);
        }
    }

    private static void allow(List<AclBinding> acls, KafkaUser user, ResourceType type, String name, boolean prefixed,
                              AclOperation operation) {
        allow(acls, user.userName(), type, name, prefixed, operation);
    }

    private static void allow(List<AclBinding> acls, String user, ResourceType type, String name, boolean prefixed,
                              AclOperation operation) {
        acls.add(new AclBinding(new ResourcePattern(type, name, prefixed ? PatternType.PREFIXED : PatternType.LITERAL),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)));
    }
}
