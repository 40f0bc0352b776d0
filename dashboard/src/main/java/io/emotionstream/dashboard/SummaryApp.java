package io.emotionstream.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
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
 *   <li>{@code GET /}: the live dashboard page</li>
 * </ul>
 */
public final class SummaryApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SummaryApp.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The Kafka Streams application id: its consumer group, the prefix of its internal topics and of its
     * transactional ids.
     */
    public static final String APPLICATION_ID = "emotion-stream-summaries";

    private final KafkaStreams streams;
    private final SummaryQueries queries;
    private final HttpServer http;
    private final ExecutorService requests = Executors.newFixedThreadPool(4);

    private final LiveEvents live;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();

    private SummaryApp(KafkaStreams streams, SummarySettings settings, HttpServer http, LiveEvents live) {
        this.streams = streams;
        this.queries = new SummaryQueries(streams, settings);
        this.http = http;
        this.live = live;
    }

    /**
     * Starts the app.
     *
     * @param kafka Kafka Streams properties beyond the defaults (bootstrap.servers at least; client security)
     * @param stateDir where the window stores live between runs
     * @param host the address the HTTP server listens on (127.0.0.1: this machine only; 0.0.0.0: every interface)
     * @param port the HTTP port (0: any free one)
     */
    public static SummaryApp start(SummarySettings settings, Map<String, String> kafka, Path stateDir, String host,
                                   int port) throws IOException {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        props.putAll(kafka);
        KafkaStreams streams = new KafkaStreams(SummaryTopology.build(settings), props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("summary stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
        SummaryApp app = new SummaryApp(streams, settings, http,
                new LiveEvents(settings.eventsTopic(), kafka, Duration.ofMinutes(10)));
        http.createContext("/api/cameras", app::cameras);
        http.createContext("/api/recent", app::recent);
        http.createContext("/api/stream", app::stream);
        http.createContext("/metrics", app::metrics);
        http.createContext("/", app::page);
        app.heartbeat.scheduleAtFixedRate(app.live::heartbeat, 15, 15, TimeUnit.SECONDS);
        http.setExecutor(app.requests);
        streams.start();
        http.start();
        LOG.info("Dashboard on http://{}:{}/ (API: /api/cameras)", host, http.getAddress().getPort());
        return app;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    private void cameras(HttpExchange exchange) throws IOException {
        try {
            if (!"GET".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, Map.of("error", "only GET"));
                return;
            }
            if (streams.state() != KafkaStreams.State.RUNNING) {
                reply(exchange, 503, Map.of("error", "the summary app is " + streams.state() + "; try again shortly"));
                return;
            }
            URI uri = exchange.getRequestURI();
            String[] parts = uri.getPath().replaceFirst("^/api/cameras/?", "").split("/");
            if (parts.length == 1 && parts[0].isEmpty()) {
                Map<String, Object> all = new LinkedHashMap<>();
                for (String camera : queries.cameras()) {
                    all.put(camera, queries.current(camera));
                }
                reply(exchange, 200, all);
                return;
            }
            String camera = java.net.URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            if (parts.length == 1) {
                Map<String, Object> current = queries.current(camera);
                if (current == null) {
                    reply(exchange, 404, Map.of("error", "no summaries for camera '" + camera + "'"));
                } else {
                    reply(exchange, 200, current);
                }
                return;
            }
            if (parts.length == 2 && parts[1].equals("history")) {
                int minutes = intParameter(uri.getQuery(), "minutes", 10);
                if (minutes < 1 || minutes > SummaryTopology.RETENTION.toMinutes()) {
                    reply(exchange, 400, Map.of("error", "minutes must be 1.." + SummaryTopology.RETENTION.toMinutes()));
                    return;
                }
                reply(exchange, 200, queries.history(camera, Duration.ofMinutes(minutes)));
                return;
            }
            reply(exchange, 404, Map.of("error", "no such resource: " + uri.getPath()));
        } catch (RuntimeException e) {
            LOG.warn("API request {} failed: {}", exchange.getRequestURI(), e.toString());
            reply(exchange, 500, Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    /** Each camera's events of the last minutes ({@code ?minutes=N}, default 5). */
    private void recent(HttpExchange exchange) throws IOException {
        int minutes = intParameter(exchange.getRequestURI().getQuery(), "minutes", 5);
        if (minutes < 1 || minutes > 10) {
            reply(exchange, 400, Map.of("error", "minutes must be 1..10"));
            return;
        }
        reply(exchange, 200, live.recent(Duration.ofMinutes(minutes)));
    }

    /** Server-sent events: one "emotion" event per new emotion event, until the page goes away. */
    private void stream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().add("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        live.subscribe(exchange.getResponseBody());
    }

    /** Kafka Streams' metrics for Prometheus to scrape. */
    private void metrics(HttpExchange exchange) throws IOException {
        byte[] text = PrometheusText.render(streams.metrics()).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, text.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(text);
        }
    }

    private void page(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/")) {
            reply(exchange, 404, Map.of("error", "no such page: " + exchange.getRequestURI().getPath()));
            return;
        }
        byte[] html;
        try (var in = SummaryApp.class.getResourceAsStream("index.html")) {
            html = in.readAllBytes();
        }
        exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, html.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(html);
        }
    }

    private static int intParameter(String query, String name, int fallback) {
        if (query == null) {
            return fallback;
        }
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2 && kv[0].equals(name)) {
                try {
                    return Integer.parseInt(kv[1]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return fallback;
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        live.close();
        http.stop(0);
        requests.shutdownNow();
        streams.close(Duration.ofSeconds(30));
    }
}
