package io.emotionstream.dashboard;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The summary app: the Kafka Streams topology with exactly-once processing and its state in a folder (so it
 * survives a restart), and an HTTP API over its window stores:
 * <ul>
 *   <li>{@code GET /api/cameras}: the cameras and their current state</li>
 *   <li>{@code GET /api/cameras/ID}: one camera's latest windows and last event (404 for an unknown camera)</li>
 *   <li>{@code GET /api/cameras/ID/history?minutes=N}: its one-minute summaries of the last N minutes</li>
 *   <li>{@code GET /api/recent?minutes=N}: each camera's events of the last N minutes (up to 10)</li>
 *   <li>{@code GET /api/stream}: server-sent events, one per new emotion event</li>
 *   <li>{@code GET /metrics}: Kafka Streams' metrics for Prometheus, and each camera's lag
 *   ({@code emotion_stream_camera_lag_seconds})</li>
 *   <li>{@code GET /}: the live dashboard page</li>
 * </ul>
 * Served by {@link DashboardServer}: logins and HTTPS as the {@link WebOptions} say. Several instances (the same
 * application id) share the cameras' summaries; each answers for every camera, forwarding a request for a camera
 * whose summaries another instance holds to it ({@link Instances}).
 */
public final class SummaryApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SummaryApp.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The Kafka Streams application id: its consumer group, the prefix of its internal topics and of its
     * transactional ids.
     */
    public static final String APPLICATION_ID = "emotion-stream-summaries";

    /** Set once the HTTP server is up (Kafka Streams advertises its port): before that, the API answers 503. */
    private volatile KafkaStreams streams;
    private volatile SummaryQueries queries;
    private volatile Instances instances;
    private final SummarySettings settings;
    private final LiveEvents live;
    private final DashboardServer http;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "dashboard-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    private SummaryApp(SummarySettings settings, LiveEvents live, WebOptions web, Logins logins) {
        this.settings = settings;
        this.live = live;
        this.http = new DashboardServer(web, logins, new Routes());
    }

    /** As below, over plain HTTP without logins on an address of this machine. */
    public static SummaryApp start(SummarySettings settings, Map<String, String> kafka, Path stateDir, String host,
                                   int port) throws Exception {
        return start(settings, kafka, stateDir, WebOptions.local(host, port));
    }

    /**
     * Starts the app.
     *
     * @param kafka Kafka Streams properties beyond the defaults (bootstrap.servers at least; client security)
     * @param stateDir where the window stores live between runs
     * @param web where and how the dashboard is served (address, port, logins, HTTPS)
     */
    public static SummaryApp start(SummarySettings settings, Map<String, String> kafka, Path stateDir, WebOptions web)
            throws Exception {
        Logins logins = web.logins() == null ? null : Logins.read(web.logins()); // a bad file: before anything starts
        if (logins != null && !web.https() && !WebOptions.loopback(web.host())) {
            LOG.warn("the dashboard's logins on {} travel in the clear over plain HTTP: give it --https-keystore (or "
                    + "put a proxy that speaks HTTPS in front)", web.host());
        }
        SummaryApp app = new SummaryApp(settings, new LiveEvents(settings.eventsTopic(), kafka, Duration.ofMinutes(10)),
                web, logins);
        try {
            app.http.start(); // first: Kafka Streams advertises the port it serves on
        } catch (Exception e) {
            app.close();
            throw new IllegalArgumentException("cannot serve the dashboard on " + web.host() + ":" + web.port() + ": "
                    + e.getMessage(), e);
        }
        HostInfo self = new HostInfo(web.advertised(), app.port());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        props.putAll(kafka);
        KafkaStreams streams;
        try {
            streams = new KafkaStreams(SummaryTopology.build(settings), props);
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("summary stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        app.queries = new SummaryQueries(streams, settings);
        app.instances = new Instances(streams, self, settings.windows().get(0).storeName(), web);
        app.streams = streams;
        app.heartbeat.scheduleAtFixedRate(app.live::heartbeat, 15, 15, TimeUnit.SECONDS);
        streams.start();
        LOG.info("Dashboard on {}://{}:{}/ (API: /api/cameras{})", web.https() ? "https" : "http", web.host(),
                app.port(), web.logins() == null ? "" : "; logins required");
        return app;
    }

    public int port() {
        return http.port();
    }

    public KafkaStreams.State state() {
        KafkaStreams s = streams;
        return s == null ? KafkaStreams.State.CREATED : s.state();
    }

    /** The app's resources by path; GET only. */
    private final class Routes extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            try {
                if (!"GET".equals(request.getMethod())) {
                    reply(response, callback, 405, Map.of("error", "only GET"));
                } else if (path.equals("/api/cameras") || path.startsWith("/api/cameras/")) {
                    cameras(request, response, callback, path);
                } else if (path.equals("/api/recent")) {
                    recent(request, response, callback);
                } else if (path.equals("/api/stream")) {
                    stream(response, callback);
                } else if (path.equals("/metrics")) {
                    KafkaStreams s = streams;
                    send(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8",
                            ((s == null ? "" : PrometheusText.render(s.metrics()))
                                    + PrometheusText.cameraLag(live.lagSeconds())).getBytes(StandardCharsets.UTF_8));
                } else if (path.equals("/")) {
                    send(response, callback, 200, "text/html; charset=utf-8", page());
                } else {
                    reply(response, callback, 404, Map.of("error", "no such resource: " + path));
                }
            } catch (RuntimeException | IOException e) {
                LOG.warn("request {} failed: {}", path, e.toString());
                reply(response, callback, 500, Map.of("error", String.valueOf(e.getMessage())));
            }
            return true;
        }
    }

    /**
     * The cameras' summaries: this instance's, and (unless the request was forwarded by another instance) those the
     * other instances hold, asked of them.
     */
    private void cameras(Request request, Response response, Callback callback, String path) throws IOException {
        if (state() != KafkaStreams.State.RUNNING) {
            reply(response, callback, 503, Map.of("error", "the summary app is " + state() + "; try again shortly"));
            return;
        }
        boolean forwarded = request.getHeaders().get(Instances.FORWARDED) != null;
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String[] parts = path.replaceFirst("^/api/cameras/?", "").split("/");
        String camera = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        try {
            if (parts.length == 1 && parts[0].isEmpty()) {
                Map<String, Object> all = new TreeMap<>();
                for (String known : queries.cameras()) {
                    all.put(known, queries.current(known));
                }
                for (HostInfo other : forwarded ? List.<HostInfo>of() : instances.others()) {
                    Instances.Answer answer = instances.ask(other, "/api/cameras", authorization);
                    if (answer.status() != 200) {
                        reply(response, callback, 503, Map.of("error", "the instance at " + other.host() + ":"
                                + other.port() + " answered " + answer.status() + "; try again shortly"));
                        return;
                    }
                    all.putAll(JSON.readValue(answer.body(), new TypeReference<Map<String, Object>>() {}));
                }
                reply(response, callback, 200, all);
                return;
            }
            HostInfo owner = forwarded ? instances.self() : instances.owner(camera);
            if (!owner.equals(instances.self())) {
                Instances.Answer answer = instances.ask(owner, request.getHttpURI().getPathQuery(), authorization);
                send(response, callback, answer.status(), answer.contentType(), answer.body());
                return;
            }
        } catch (Instances.Unavailable e) {
            reply(response, callback, 503, Map.of("error", e.getMessage()));
            return;
        } catch (IOException e) {
            reply(response, callback, 502, Map.of("error", "another instance of the summary app cannot be reached: "
                    + e.getMessage()));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply(response, callback, 503, Map.of("error", "interrupted"));
            return;
        }
        if (parts.length == 1) {
            Map<String, Object> current = queries.current(camera);
            if (current == null) {
                reply(response, callback, 404, Map.of("error", "no summaries for camera '" + camera + "'"));
            } else {
                reply(response, callback, 200, current);
            }
            return;
        }
        if (parts.length == 2 && parts[1].equals("history")) {
            int minutes = intParameter(request, "minutes", 10);
            if (minutes < 1 || minutes > SummaryTopology.RETENTION.toMinutes()) {
                reply(response, callback, 400, Map.of("error", "minutes must be 1.."
                        + SummaryTopology.RETENTION.toMinutes()));
                return;
            }
            reply(response, callback, 200, queries.history(camera, Duration.ofMinutes(minutes)));
            return;
        }
        reply(response, callback, 404, Map.of("error", "no such resource: " + path));
    }

    /** Each camera's events of the last minutes ({@code ?minutes=N}, default 5). */
    private void recent(Request request, Response response, Callback callback) {
        int minutes = intParameter(request, "minutes", 5);
        if (minutes < 1 || minutes > 10) {
            reply(response, callback, 400, Map.of("error", "minutes must be 1..10"));
            return;
        }
        reply(response, callback, 200, live.recent(Duration.ofMinutes(minutes)));
    }

    /** Server-sent events: one "emotion" event per new emotion event, until the page goes away. */
    private void stream(Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        live.subscribe(new EventStream(response, callback));
    }

    private static byte[] page() throws IOException {
        try (var in = SummaryApp.class.getResourceAsStream("index.html")) {
            return in.readAllBytes();
        }
    }

    private static int intParameter(Request request, String name, int fallback) {
        String value = Request.extractQueryParameters(request).getValue(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void reply(Response response, Callback callback, int status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        } catch (IOException e) {
            callback.failed(e);
            return;
        }
        send(response, callback, status, "application/json; charset=utf-8", bytes);
    }

    private static void send(Response response, Callback callback, int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public void close() {
        try {
            http.close(); // first: no request comes in while the rest closes
        } catch (Exception e) {
            LOG.warn("the dashboard's HTTP server did not stop cleanly: {}", e.toString());
        }
        heartbeat.shutdownNow();
        live.close();
        // leaving the group, a restarted dashboard gets its partitions at once, not after the session timeout
        if (streams != null) {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
    }
}
