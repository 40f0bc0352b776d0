package io.emotionstream.kafka.access;

import io.emotionstream.schema.CameraSites;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * What the embedded broker's secure mode (and the {@code credentials} command) needs, made on first use in a folder
 * ({@code <data>/security}) and reused after: a certificate authority (its key stays in {@code ca.p12}), the broker's
 * and the dashboard's TLS keys with certificates signed by it (for 127.0.0.1, localhost and any host names given), a
 * truststore holding the authority's certificate, a SCRAM-SHA-512 user with a random password for each of {@link
 * #USERS}, whose client settings (TLS, SCRAM, truststore) are written to {@code <user>.properties} for the commands'
 * {@code --kafka-config}, and a dashboard login. The keys are made with the JDK's {@code keytool}. Every file is
 * readable by its owner only.
 *
 * <p>The broker listens with SASL_SSL (SCRAM-SHA-512 over TLS) for clients, and with mutual TLS on its controller
 * listener (the certificate's subject, {@link #BROKER_PRINCIPAL}, is a super user, as is {@code admin}).
 */
public final class BrokerSecurity {
    /**
     * The users made on first start ({@link KafkaUser}): cameras, the job, the dashboard, and an administrator; each
     * site added ({@link #addSites}) has a camera user of its own besides.
     */
    public static final List<String> USERS = KafkaUser.names();
    /** The user with every right (topics, ACLs). */
    public static final String ADMIN = KafkaUser.ADMIN.userName();
    /** The broker's own principal on its controller listener (mutual TLS). */
    public static final String BROKER_PRINCIPAL = "User:CN=emotion-stream-broker";
    static final String MECHANISM = "SCRAM-SHA-512";

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The files keytool makes. */
    private static final List<String> GENERATED = List.of("ca.p12", "ca.crt", "broker.p12", "broker.csr", "broker.crt",
            "truststore.p12", "dashboard.p12", "dashboard.crt");

    private final Path folder;
    private final Properties secrets;

    private BrokerSecurity(Path folder, Properties secrets) {
        this.folder = folder;
        this.secrets = secrets;
    }

    /** The security material in {@code folder}, made there first when missing, for a broker on this machine. */
    public static BrokerSecurity prepare(Path folder) {
        return prepare(folder, List.of());
    }

    /**
     * The security material in {@code folder}, made there first when missing: the certificates name 127.0.0.1,
     * localhost and these host names (a broker or dashboard reached under another name).
     */
    public static BrokerSecurity prepare(Path folder, List<String> hostNames) {
        Path secretsFile = folder.resolve("secrets.properties");
        StringBuilder names = new StringBuilder("san=ip:127.0.0.1,dns:localhost");
        for (String host : hostNames) {
            if (!host.matches("[A-Za-z0-9.-]+")) {
                throw new IllegalArgumentException("not a host name: " + host);
            }
            names.append(host.matches("[0-9.]+") ? ",ip:" : ",dns:").append(host);
        }
        try {
            Properties secrets = new Properties();
            if (Files.exists(secretsFile)) {
                try (InputStream in = Files.newInputStream(secretsFile)) {
                    secrets.load(in);
                }
                if (!hostNames.isEmpty() && !names.toString().equals(secrets.getProperty("names"))) {
                    throw new IllegalArgumentException("the credentials in " + folder + " were made for "
                            + secrets.getProperty("names") + ", not " + names + ": keep the host names, or remove "
                            + "the folder to make new credentials");
                }
            } else {
                Files.createDirectories(folder);
                setMode(folder, "rwx------");
                for (String leftover : GENERATED) { // from a run that stopped before it finished
                    Files.deleteIfExists(folder.resolve(leftover));
                }
                secrets.setProperty("names", names.toString());
                secrets.setProperty("ca", password());
                secrets.setProperty("keystore", password());
                secrets.setProperty("truststore", password());
                secrets.setProperty("dashboard-keystore", password());
                secrets.setProperty("viewer", password());
                for (String user : USERS) {
                    secrets.setProperty("user." + user, password());
                }
                new BrokerSecurity(folder, secrets).makeKeys(names.toString());
                // written last: its presence says that the keys are there
                write(secretsFile, secrets, "the embedded broker's passwords");
            }
            // the files made from the passwords, written again each time (a run may have stopped before them)
            BrokerSecurity security = new BrokerSecurity(folder, secrets);
            for (String user : security.users()) {
                security.writeClientConfig(user);
            }
            writeLine(security.dashboardKeystorePasswordFile(), secrets.getProperty("dashboard-keystore"));
            writeLine(security.dashboardLogins(), "# the dashboard's logins (name:password), for --logins\nviewer:"
                    + secrets.getProperty("viewer"));
            return security;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the broker's security material in " + folder, e);
        }
    }

    /**
     * Adds a camera login for each of these sites that has none yet ({@code camera-SITE}, {@link CameraSites}):
     * a random password, kept with the others, and its client settings file. A broker learns the logins from {@link
     * #registerSiteLogins} (or, for a Kafka of your own, from {@link #scramArguments} at format time).
     */
    public BrokerSecurity addSites(List<String> sites) {
        List<String> all = new ArrayList<>(sites());
        for (String site : sites) {
            if (!all.contains(CameraSites.require(site))) {
                all.add(site);
                secrets.setProperty("user." + CameraSites.userName(site), password());
            }
        }
        if (all.size() == sites().size()) {
            return this;
        }
        secrets.setProperty("sites", String.join(",", all));
        try {
            write(folder.resolve("secrets.properties"), secrets, "the embedded broker's passwords");
            for (String user : users()) {
                writeClientConfig(user);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add the sites' logins in " + folder, e);
        }
        return this;
    }

    /** The sites with a camera login of their own, in the order added. */
    public List<String> sites() {
        String sites = secrets.getProperty("sites", "");
        return sites.isEmpty() ? List.of() : List.of(sites.split(","));
    }

    /** Every user with a login here: {@link #USERS} and each site's camera user. */
    public List<String> users() {
        List<String> users = new ArrayList<>(USERS);
        sites().forEach(site -> users.add(CameraSites.userName(site)));
        return users;
    }

    /**
     * Stores each site's camera login on a running broker, through an administrator's client (SCRAM credentials are
     * stored in the cluster's metadata, so a site added after the broker's first start can log in too).
     */
    public void registerSiteLogins(Map<String, Object> adminConfig) {
        if (sites().isEmpty()) {
            return;
        }
        List<UserScramCredentialAlteration> logins = new ArrayList<>();
        for (String site : sites()) {
            String user = CameraSites.userName(site);
            logins.add(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), secrets.getProperty("user." + user)));
        }
        try (Admin admin = Admin.create(adminConfig)) {
            admin.alterUserScramCredentials(logins).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot store the sites' camera logins: " + e.getMessage(), e);
        }
    }

    /** Where the material is. */
    public Path folder() {
        return folder;
    }

    /**
     * The dashboard's PKCS12 keystore, for HTTPS: its own key and a certificate for the same names as the broker's,
     * signed by the authority in {@code ca.crt}.
     */
    public Path dashboardKeystore() {
        return folder.resolve("dashboard.p12");
    }

    /** A file holding the dashboard keystore's password (one line), for --https-keystore-password-file. */
    public Path dashboardKeystorePasswordFile() {
        return folder.resolve("dashboard.p12.password");
    }

    /** A logins file for the dashboard (--logins) with one user, {@code viewer}, and a random password. */
    public Path dashboardLogins() {
        return folder.resolve("dashboard-logins");
    }

    /** The certificate authority's certificate (PEM), for clients (browsers, curl) to trust. */
    public Path authorityCertificate() {
        return folder.resolve("ca.crt");
    }

    /** The client settings file of a user (TLS, SCRAM and its password): for {@code --kafka-config}. */
    public Path clientConfig(String user) {
        requireUser(user);
        return folder.resolve(user + ".properties");
    }

    /** The client settings of a user, as a map (no bootstrap servers). */
    public Map<String, String> clientProperties(String user) {
        requireUser(user);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", MECHANISM);
        props.put("sasl.jaas.config", jaas(user, secrets.getProperty("user." + user)));
        props.put("ssl.truststore.type", "PKCS12");
        props.put("ssl.truststore.location", folder.resolve("truststore.p12").toAbsolutePath().toString());
        props.put("ssl.truststore.password", secrets.getProperty("truststore"));
        return props;
    }

    /** The JAAS line of a SCRAM login. */
    public static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** The formatter's SCRAM arguments: every user's credentials, stored in the metadata at format time. */
    public List<String> scramArguments() {
        List<String> arguments = new ArrayList<>();
        for (String user : users()) {
            arguments.add(MECHANISM + "=[name=" + user + ",password=" + secrets.getProperty("user." + user) + "]");
        }
        return arguments;
    }

    /** The broker's settings for a SASL_SSL client listener and a mutual-TLS controller listener, with ACLs on. */
    public Map<String, String> brokerProperties(String clientListener, String controllerListener) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("listener.security.protocol.map", clientListener + ":SASL_SSL," + controllerListener + ":SSL");
        props.put("inter.broker.listener.name", clientListener);
        props.put("sasl.enabled.mechanisms", MECHANISM);
        props.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        props.put("listener.name." + clientListener.toLowerCase() + "." + MECHANISM.toLowerCase() + ".sasl.jaas.config",
                jaas(ADMIN, secrets.getProperty("user." + ADMIN)));
        props.put("listener.name." + controllerListener.toLowerCase() + ".ssl.client.auth", "required");
        props.put("ssl.keystore.type", "PKCS12");
        props.put("ssl.keystore.location", folder.resolve("broker.p12").toAbsolutePath().toString());
        props.put("ssl.keystore.password", secrets.getProperty("keystore"));
        props.put("ssl.key.password", secrets.getProperty("keystore"));
        props.put("ssl.truststore.type", "PKCS12");
        props.put("ssl.truststore.location", folder.resolve("truststore.p12").toAbsolutePath().toString());
        props.put("ssl.truststore.password", secrets.getProperty("truststore"));
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:" + ADMIN + ";" + BROKER_PRINCIPAL);
        props.put("allow.everyone.if.no.acl.found", "false");
        return props;
    }

    private void makeKeys(String names) throws IOException {
        String ca = secrets.getProperty("ca");
        String keystore = secrets.getProperty("keystore");
        String truststore = secrets.getProperty("truststore");
        Path caStore = folder.resolve("ca.p12");
        Path brokerStore = folder.resolve("broker.p12");
        Path request = folder.resolve("broker.csr");
        Path brokerCert = folder.resolve("broker.crt");
        Path caCert = folder.resolve("ca.crt");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=emotion-stream CA", "-ext", "bc:c", "-validity", "3650",
                "-keystore", caStore.toString(), "-storetype", "PKCS12", "-storepass", ca);
        keytool("-exportcert", "-alias", "ca", "-rfc", "-file", caCert.toString(),
                "-keystore", caStore.toString(), "-storepass", ca);
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", BROKER_PRINCIPAL.substring("User:".length()), "-validity", "3650",
                "-keystore", brokerStore.toString(), "-storetype", "PKCS12", "-storepass", keystore);
        keytool("-certreq", "-alias", "broker", "-file", request.toString(),
                "-keystore", brokerStore.toString(), "-storepass", keystore);
        keytool("-gencert", "-alias", "ca", "-infile", request.toString(), "-outfile", brokerCert.toString(), "-rfc",
                "-ext", names, "-validity", "3650", "-keystore", caStore.toString(), "-storepass", ca);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(),
                "-keystore", brokerStore.toString(), "-storepass", keystore);
        keytool("-importcert", "-alias", "broker", "-file", brokerCert.toString(),
                "-keystore", brokerStore.toString(), "-storepass", keystore);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(),
                "-keystore", folder.resolve("truststore.p12").toString(), "-storetype", "PKCS12",
                "-storepass", truststore);
        // the dashboard's own key, so that serving HTTPS does not need the broker's
        String dashboard = secrets.getProperty("dashboard-keystore");
        Path dashboardStore = dashboardKeystore();
        Path dashboardCert = folder.resolve("dashboard.crt");
        keytool("-genkeypair", "-alias", "dashboard", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=emotion-stream-dashboard", "-validity", "3650",
                "-keystore", dashboardStore.toString(), "-storetype", "PKCS12", "-storepass", dashboard);
        keytool("-certreq", "-alias", "dashboard", "-file", request.toString(),
                "-keystore", dashboardStore.toString(), "-storepass", dashboard);
        keytool("-gencert", "-alias", "ca", "-infile", request.toString(), "-outfile", dashboardCert.toString(),
                "-rfc", "-ext", names, "-validity", "3650", "-keystore", caStore.toString(), "-storepass", ca);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(),
                "-keystore", dashboardStore.toString(), "-storepass", dashboard);
        keytool("-importcert", "-alias", "dashboard", "-file", dashboardCert.toString(),
                "-keystore", dashboardStore.toString(), "-storepass", dashboard);
        Files.delete(request);
        for (String file : List.of("ca.p12", "broker.p12", "truststore.p12", "broker.crt", "dashboard.p12",
                "dashboard.crt")) {
            setMode(folder.resolve(file), "rw-------");
        }
    }

    /**
     * Copies what each part needs into its own folder under {@code out}, for a machine or container that mounts
     * only its part at {@code mountedAt}: {@code broker/} (its keystore, the truststore, {@code broker-ssl.properties}
     * with the TLS settings, {@code admin-jaas} with the inter-broker login, {@code scram-arguments} for {@code
     * kafka-storage.sh format --add-scram}), {@code camera/}, {@code job/}, {@code admin/} (each user's client
     * settings and the truststore) and {@code dashboard/} (its client settings, the truststore, its HTTPS keystore and
     * password, and its logins). The authority's key stays here.
     *
     * @param readable files readable by every user (for a volume that containers running as other users mount),
     *     else by their owner only
     */
    public void export(Path out, String mountedAt, boolean readable) throws IOException {
        String mode = readable ? "rw-r--r--" : "rw-------";
        Path truststore = folder.resolve("truststore.p12");
        Path broker = part(out, "broker", readable);
        copy(folder.resolve("broker.p12"), broker.resolve("broker.p12"), mode);
        copy(truststore, broker.resolve("truststore.p12"), mode);
        Properties ssl = new Properties();
        ssl.putAll(Map.of("ssl.keystore.type", "PKCS12", "ssl.keystore.location", mountedAt + "/broker.p12",
                "ssl.keystore.password", secrets.getProperty("keystore"), "ssl.key.password",
                secrets.getProperty("keystore"), "ssl.truststore.type", "PKCS12", "ssl.truststore.location",
                mountedAt + "/truststore.p12", "ssl.truststore.password", secrets.getProperty("truststore")));
        write(broker.resolve("broker-ssl.properties"), ssl, "the broker's TLS settings", mode);
        writeLine(broker.resolve("admin-jaas"), jaas(ADMIN, secrets.getProperty("user." + ADMIN)), mode);
        writeLine(broker.resolve("scram-arguments"), String.join("\n", scramArguments()), mode);
        for (String user : users()) {
            Path part = part(out, user, readable);
            copy(truststore, part.resolve("truststore.p12"), mode);
            Properties client = new Properties();
            client.putAll(clientProperties(user));
            client.setProperty("ssl.truststore.location", mountedAt + "/truststore.p12");
            write(part.resolve(user + ".properties"), client, "Kafka client settings of user " + user
                    + " (--kafka-config)", mode);
        }
        Path dashboard = out.resolve("dashboard");
        copy(dashboardKeystore(), dashboard.resolve("dashboard.p12"), mode);
        copy(dashboardKeystorePasswordFile(), dashboard.resolve("dashboard.p12.password"), mode);
        copy(dashboardLogins(), dashboard.resolve("dashboard-logins"), mode);
    }

    private static Path part(Path out, String name, boolean readable) throws IOException {
        Path part = Files.createDirectories(out.resolve(name));
        setMode(part, readable ? "rwxr-xr-x" : "rwx------");
        return part;
    }

    private static void copy(Path from, Path to, String mode) throws IOException {
        Files.deleteIfExists(to);
        Files.createFile(to);
        setMode(to, mode);
        Files.write(to, Files.readAllBytes(from));
    }

    private void writeClientConfig(String user) throws IOException {
        Properties props = new Properties();
        props.putAll(clientProperties(user));
        write(clientConfig(user), props, "Kafka client settings of user " + user
                + " for the embedded secure broker (--kafka-config)");
    }

    private static void write(Path file, Properties props, String comment) throws IOException {
        write(file, props, comment, "rw-------");
    }

    private static void write(Path file, Properties props, String comment, String mode) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file);
        setMode(file, mode);
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, comment);
        }
    }

    private static void writeLine(Path file, String text) throws IOException {
        writeLine(file, text, "rw-------");
    }

    private static void writeLine(Path file, String text, String mode) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file);
        setMode(file, mode);
        Files.writeString(file, text + "\n");
    }

    /** Runs keytool; a store password is handed over in its environment, not on its command line (ps shows that). */
    private static void keytool(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        String storePassword = null;
        for (int i = 0; i < arguments.length; i++) {
            if (arguments[i].equals("-storepass") && i + 1 < arguments.length) {
                storePassword = arguments[++i];
                command.add("-storepass:env");
                command.add("KEYTOOL_STOREPASS");
            } else {
                command.add(arguments[i]);
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (storePassword != null) {
            builder.environment().put("KEYTOOL_STOREPASS", storePassword);
        }
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + arguments[0] + " failed: " + new String(output).trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
    }

    /** Sets a file's POSIX permissions ("rw-------": its owner's only), where the file system has them. */
    private static void setMode(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions: left as the platform makes it
        }
    }

    private static String password() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void requireUser(String user) {
        if (!users().contains(user)) {
            throw new IllegalArgumentException("no user " + user + " on the embedded broker; users: " + users());
        }
    }
}
