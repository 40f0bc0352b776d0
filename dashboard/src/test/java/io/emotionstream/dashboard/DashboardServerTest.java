package io.emotionstream.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.kafka.access.BrokerSecurity;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's HTTP server on a real broker: it keeps answering while 50 clients hold connections with unfinished
 * headers; with a logins file every resource, the event stream included, wants a user's credentials; it serves HTTPS
 * with a generated certificate; it refuses to listen beyond this machine without logins.
 */
class DashboardServerTest {
    private static final Duration ANSWER = Duration.ofSeconds(5);

    @TempDir
    static Path temp;
    private static EmbeddedKafkaBroker broker;
    private static Map<String, String> kafka;

    @BeforeAll
    static void broker() {
        SummarySettings settings = SummarySettings.defaults();
        broker = EmbeddedKafkaBroker.start();
        broker.createTopics(List.of(new NewTopic(settings.eventsTopic(), 1, (short) 1),
                new NewTopic(settings.summariesTopic(), 1, (short) 1),
                new NewTopic(settings.deadLettersTopic(), 1, (short) 1)));
        kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void fiftyConnectionsThatNeverFinishTheirHeadersLeaveItAnswering() throws Exception {
        try (SummaryApp app = SummaryApp.start(SummarySettings.defaults(), kafka, temp.resolve("slow"),
                WebOptions.local("127.0.0.1", 0))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    Socket socket = new Socket("127.0.0.1", app.port());
                    OutputStream out = socket.getOutputStream();
                    out.write("GET /api/cameras HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    slow.add(socket);
                }
                HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER).build();
                for (String path : List.of("/", "/api/recent", "/metrics")) {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + app.port() + path)).timeout(ANSWER).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, response.statusCode(), path);
                }
                // and the server still holds the slow connections open, waiting for the rest of their headers (it
                // neither answered nor closed them): a read finds no byte and no end of stream
                for (Socket socket : slow) {
                    socket.setSoTimeout(20);
                    assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read());
                }
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void withLoginsEveryResourceWantsAUsersCredentialsOverHttps() throws Exception {
        BrokerSecurity keys = BrokerSecurity.prepare(temp.resolve("security"));
        Path logins = temp.resolve("logins");
        Files.writeString(logins, "# dashboard users\nalice:correct horse\nbob:battery:staple\n");
        WebOptions web = WebOptions.local("127.0.0.1", 0).withLogins(logins)
                .withHttps(keys.dashboardKeystore(), Files.readString(keys.dashboardKeystorePasswordFile()).strip());
        try (SummaryApp app = SummaryApp.start(SummarySettings.defaults(), kafka, temp.resolve("logins-state"), web)) {
            HttpClient https = HttpClient.newBuilder().sslContext(trusting(keys)).connectTimeout(ANSWER).build();
            String base = "https://localhost:" + app.port();

            HttpResponse<String> refused = https.send(get(base + "/api/recent", null), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode());
            assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="));
            for (String wrong : List.of("alice:wrong", "alice:correct horse ", "carol:correct horse", "alice")) {
                assertEquals(401, https.send(get(base + "/api/recent", wrong), HttpResponse.BodyHandlers.ofString())
                        .statusCode(), wrong);
            }
            assertEquals(401, https.send(get(base + "/api/stream", null), HttpResponse.BodyHandlers.ofString())
                    .statusCode(), "the event stream too");
            assertEquals(401, https.send(get(base + "/", null), HttpResponse.BodyHandlers.ofString()).statusCode());

            for (String user : List.of("alice:correct horse", "bob:battery:staple")) {
                HttpResponse<String> accepted = https.send(get(base + "/api/recent", user),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, accepted.statusCode(), user);
            }
            HttpResponse<Stream<String>> stream = https.send(get(base + "/api/stream", "alice:correct horse"),
                    HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, stream.statusCode());
            assertEquals("text/event-stream; charset=utf-8", stream.headers().firstValue("Content-Type").orElse(""));
            Iterator<String> lines = stream.body().iterator();
            assertEquals(": connected", lines.next());
            stream.body().close();

            // plain HTTP to the HTTPS port gets no dashboard
            HttpClient plain = HttpClient.newBuilder().connectTimeout(ANSWER).build();
            try {
                HttpResponse<String> notTls = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + app.port() + "/api/recent")).timeout(ANSWER).header("Authorization",
                        basic("alice:correct horse")).build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(notTls.statusCode() >= 400, "plain HTTP answered " + notTls.statusCode());
            } catch (java.io.IOException closed) {
                // the TLS port closed the plain connection: refused too
            }
        }
    }

    @Test
    void oneAddressHoldingHundredsOfHalfOpenConnectionsLeavesItAnsweringOthers() throws Exception {
        try (SummaryApp app = SummaryApp.start(SummarySettings.defaults(), kafka, temp.resolve("flood"),
                WebOptions.local("127.0.0.1", 0))) {
            List<Socket> flood = new ArrayList<>();
            try {
                for (int i = 0; i < 560; i++) { // what took all 512 connections before
                    Socket socket = new Socket("127.0.0.1", app.port());
                    socket.getOutputStream().write("GET /api/cameras HTTP/1.1\r\nHost: x\r\nX-Slow: "
                            .getBytes(StandardCharsets.US_ASCII));
                    flood.add(socket);
                }
                // another address (127.0.0.2 is this machine's loopback too) is answered at once
                assertEquals(200, status(rawGet("127.0.0.2", app.port(), "/api/recent", null)));
                int closed = 0;
                for (Socket socket : flood) {
                    socket.setSoTimeout(20); // all within a few seconds, before the held ones time out
                    try {
                        if (socket.getInputStream().read() < 0) {
                            closed++;
                        }
                    } catch (SocketTimeoutException held) {
                        // one of those the server holds, waiting for its headers
                    } catch (java.io.IOException reset) {
                        closed++;
                    }
                }
                assertTrue(closed >= 560 - DashboardServer.MAX_CONNECTIONS_PER_ADDRESS, "the connections beyond the "
                        + "per-address limit are closed (those it held time out after 10 s): " + closed);
            } finally {
                for (Socket socket : flood) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aConnectionThatNeverCompletesARequestIsClosedSoon() throws Exception {
        try (SummaryApp app = SummaryApp.start(SummarySettings.defaults(), kafka, temp.resolve("idle"),
                WebOptions.local("127.0.0.1", 0));
             Socket slow = new Socket("127.0.0.1", app.port())) {
            slow.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            slow.setSoTimeout(DashboardServer.FIRST_REQUEST_TIMEOUT_MS + 5_000);
            int read;
            try {
                read = slow.getInputStream().read();
                while (read >= 0) { // an error answer, if any, then the end
                    read = slow.getInputStream().read();
                }
            } catch (java.io.IOException reset) {
                read = -1;
            }
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            assertTrue(seconds <= DashboardServer.FIRST_REQUEST_TIMEOUT_MS / 1000 + 3,
                    "closed after " + seconds + " s, not the accepted connections' 30 s");
        }
    }

    @Test
    void failedLoginsAreSlowedPerAddressAndPerUser() throws Exception {
        Path logins = temp.resolve("backoff-logins");
        Files.writeString(logins, "alice:correct horse\nbob:battery staple\n");
        try (SummaryApp app = SummaryApp.start(SummarySettings.defaults(), kafka, temp.resolve("backoff"),
                WebOptions.local("127.0.0.1", 0).withLogins(logins))) {
            int refused = 0;
            int slowed = 0;
            int cut = 0;
            long started = System.nanoTime();
            for (int i = 0; i < 2_000; i++) { // a guesser from one address, a connection a guess
                int status = status(rawGet("127.0.0.1", app.port(), "/api/recent", "alice:guess" + i));
                if (status == 401) {
                    refused++;
                } else if (status == 429) {
                    slowed++;
                } else if (status == 0) {
                    cut++; // closed unanswered: its address held too many connections still closing
                }
            }
            assertEquals(2_000, refused + slowed + cut);
            assertTrue(refused <= LoginBackOff.FREE_FAILURES + 3, "guesses checked: " + refused + " of 2000");
            // while alice's name and that address wait, even her right password from there waits
            while (status(rawGet("127.0.0.1", app.port(), "/api/recent", "alice:one more guess")) != 429) {
                refused++; // a block ran out: this guess was checked, and the next block is twice as long
            }
            assertTrue(refused <= LoginBackOff.FREE_FAILURES + 4, "guesses checked: " + refused);
            String answer = rawGet("127.0.0.1", app.port(), "/api/recent", "alice:correct horse");
            assertEquals(429, status(answer), answer);
            assertTrue(answer.contains("Retry-After: "), answer);
            // alice's name waits from another address too; another user from another address does not
            assertEquals(429, status(rawGet("127.0.0.2", app.port(), "/api/recent", "alice:correct horse")));
            assertEquals(200, status(rawGet("127.0.0.3", app.port(), "/api/recent", "bob:battery staple")));
            assertTrue((System.nanoTime() - started) / 1e9 < 60, "the refusals themselves are quick");
        }
    }

    /** A GET over a plain socket from a local address of this machine; the whole answer (headers and body). */
    private static String rawGet(String from, int port, String path, String credentials) throws Exception {
        try (Socket socket = new Socket(java.net.InetAddress.getByName("127.0.0.1"), port,
                java.net.InetAddress.getByName(from), 0)) {
            socket.setSoTimeout((int) ANSWER.toMillis());
            String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (credentials == null ? "" : "Authorization: " + basic(credentials) + "\r\n") + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            try {
                return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (java.net.SocketException reset) {
                return ""; // closed unanswered
            }
        }
    }

    /** The answer's status, or 0 when the server closed the connection without one. */
    private static int status(String answer) {
        return answer.isEmpty() ? 0 : Integer.parseInt(answer.substring(9, 12));
    }

    @Test
    void beyondThisMachineItWantsLogins() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WebOptions("0.0.0.0", 0, null, null, null, false));
        assertTrue(e.getMessage().contains("--logins"), e.getMessage());
        WebOptions.local("127.0.0.1", 0);
        WebOptions.local("localhost", 0);
        new WebOptions("0.0.0.0", 0, null, null, null, true); // said so explicitly
    }

    @Test
    void aLoginsFileWithoutUsersIsRefused() throws Exception {
        Path empty = temp.resolve("empty-logins");
        Files.writeString(empty, "# nobody\n\n");
        assertThrows(IllegalArgumentException.class, () -> Logins.read(empty));
        Path broken = temp.resolve("broken-logins");
        Files.writeString(broken, "alice\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Logins.read(broken));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    private static HttpRequest get(String uri, String credentials) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(ANSWER);
        if (credentials != null) {
            request.header("Authorization", basic(credentials));
        }
        return request.build();
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    /** TLS that trusts the authority that signed the generated certificate (its truststore). */
    private static SSLContext trusting(BrokerSecurity keys) throws Exception {
        Map<String, String> client = keys.clientProperties("dashboard");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(client.get("ssl.truststore.location")))) {
            trust.load(in, client.get("ssl.truststore.password").toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
