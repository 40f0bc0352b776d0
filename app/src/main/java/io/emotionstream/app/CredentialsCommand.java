package io.emotionstream.app;

import io.emotionstream.kafka.access.BrokerSecurity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "credentials", mixinStandardHelpOptions = true,
        description = {"Makes what a secured Kafka and the project's parts need, once (an existing folder is kept): a "
                + "certificate authority (DIR/authority, its key stays there), TLS keys and certificates for the "
                + "broker and the dashboard, SCRAM-SHA-512 users camera, job, dashboard and admin with random "
                + "passwords, and a dashboard login; then each part's share in its own folder: DIR/broker, "
                + "DIR/camera, DIR/job, DIR/dashboard, DIR/admin, to mount (or copy) where that part runs.",
                "docker-compose.secure.yml runs it first; see docs/security.md for a Kafka of your own."})
final class CredentialsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "where to make them")
    Path dir;

    @Option(names = "--host", paramLabel = "NAME",
            description = "a name the broker and dashboard are reached by, besides localhost and 127.0.0.1 "
                    + "(repeatable; e.g. kafka in docker compose)")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--mounted-at", paramLabel = "PATH", defaultValue = "/etc/emotion-stream/secrets",
            description = "where each part's folder will be, as the paths in its settings say (default: "
                    + "${DEFAULT-VALUE})")
    String mountedAt;

    @Option(names = "--readable", description = "files readable by every user, for volumes that containers running "
            + "as other users mount (each part's volume is then its boundary); otherwise by their owner only")
    boolean readable;

    @Option(names = "--site", paramLabel = "NAME", description = "a camera login of a site's own, camera-NAME, "
            + "in DIR/camera-NAME (it may write only camera-frames.NAME once `setup-kafka --acls --site NAME` ran); "
            + "repeatable; a site added later gets its login the same way (docs/security.md)")
    List<String> sites = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        BrokerSecurity security = BrokerSecurity.prepare(dir.resolve("authority"), hosts).addSites(sites);
        security.export(dir, mountedAt, readable);
        PrintWriter out = spec.commandLine().getOut();
        out.println("credentials in " + dir + ": " + String.join("/, ", security.users()) + "/ and broker/ (each to be "
                + "at " + mountedAt + " where its part runs); the authority's certificate for browsers: "
                + security.authorityCertificate());
        out.flush();
        return 0;
    }
}
