package io.emotionstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.dashboard.SummaryApp;
import io.emotionstream.dashboard.SummarySettings;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.schema.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operators' Grafana dashboard ({@code deploy/grafana/dashboards/emotion-stream.json}) over real metrics: the job
 * jar on the standalone cluster (Flink's Prometheus reporter), the summary app's {@code /metrics}, a camera at 25 fps
 * and a record that is no frame (a dead letter), all scraped by Prometheus from Debian's package. Every query of every
 * panel answers with numbers, so the dashboard draws each panel. What Prometheus answered goes to
 * {@code target/failure-tests/operators-dashboard.json}.
 */
class OperatorsDashboardTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    /** 30 s at 25 fps (the sample video): frames keep coming while the dashboard's queries are asked. */
    private static final int FRAMES = 750;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void everyPanelOfTheDashboardHasData() throws Exception {
        assertTrue(Files.isExecutable(PROMETHEUS), "Prometheus is not installed: apt-get install prometheus "
                + "(./emotion-stream test installs it as root)");
        Map<String, List<String>> queries = queries(ProjectPaths.home()
                .resolve("deploy/grafana/dashboards/emotion-stream.json"));
        Path jar = ClusterJobs.jobJar();
        CameraFeed feed = new CameraFeed("cam", FRAMES);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             StandaloneCluster cluster = StandaloneCluster.start(new StandaloneCluster.Settings(temp.resolve("flink"),
                     StandaloneCluster.defaultFlinkLib(ProjectPaths.home()), 1, 2, 0, Map.of()));
             KafkaProducer<byte[], byte[]> producer = CameraFeed.producer(broker.bootstrapServers())) {
            String bootstrap = broker.bootstrapServers();
            CameraFeed.createTopics(broker, 2);
            broker.createTopics(List.of(Topics.CAMERA_SUMMARIES.newTopic(Topics.CAMERA_SUMMARIES.defaultName()),
                    Topics.SUMMARY_DEAD_LETTERS.newTopic(Topics.SUMMARY_DEAD_LETTERS.defaultName())));
            SummarySettings defaults = SummarySettings.defaults();
            String job = ClusterJobs.submit(cluster, jar, bootstrap, temp.resolve("flink"));
            try (SummaryApp summaries = SummaryApp.start(new SummarySettings(CameraFeed.EVENTS,
                    defaults.summariesTopic(), defaults.deadLettersTopic(), defaults.windows(), defaults.grace()),
                    Map.of("bootstrap.servers", bootstrap), temp.resolve("summaries"), "127.0.0.1", 0)) {
                producer.send(new ProducerRecord<>(CameraFeed.FRAMES, "cam".getBytes(StandardCharsets.UTF_8),
                        "this is not a frame".getBytes(StandardCharsets.UTF_8))).get();
                feed.publish(producer, 0, 60, 25); // the job runs: its reporter is up
                List<String> targets = new ArrayList<>(reporters());
                targets.add("127.0.0.1:" + summaries.port());
                int port = freePort();
                Process prometheus = startPrometheus(targets, port);
                CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                    try {
                        feed.publish(producer, 60, FRAMES, 25);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                try {
                    CameraFeed.awaitEvents(bootstrap, 5, Duration.ofMinutes(3),
                            () -> !"FAILED".equals(cluster.jobState(job)));
                    Map<String, Object> answers = awaitAnswers(port, queries, Duration.ofSeconds(50));
                    Files.createDirectories(Path.of("target", "failure-tests"));
                    Files.writeString(Path.of("target", "failure-tests", "operators-dashboard-scraped.txt"),
                            scrape(targets));
                    JSON.writerWithDefaultPrettyPrinter().writeValue(
                            Path.of("target", "failure-tests", "operators-dashboard.json").toFile(),
                            Map.of("targets", targets, "answers", answers));
                    List<String> empty = new ArrayList<>();
                    answers.forEach((query, answer) -> {
                        if (!(answer instanceof List<?> series) || series.isEmpty()) {
                            empty.add(query + " -> " + answer);
                        }
                    });
                    assertEquals(List.of(), empty, "queries of the dashboard without numbers");
                    assertTrue(answers.toString().contains("NOT_AVRO"), "the dead letter by its reason: " + answers);
                    assertTrue(answers.toString().contains("camera=cam"), "the camera's lag: " + answers);
                    String scored = String.valueOf(ask(HttpClient.newHttpClient(), port,
                            "sum(flink_taskmanager_job_task_operator_clipsScored)"));
                    assertTrue(Double.parseDouble(scored.substring(scored.lastIndexOf('=') + 1, scored.length() - 1)
                            .trim()) > 0, "the clips scored, as Prometheus has them: " + scored);
                } finally {
                    prometheus.destroy();
                    prometheus.waitFor();
                    publishing.join();
                }
            }
        }
    }

    /** Each panel's title and its queries, from the dashboard's JSON. */
    static Map<String, List<String>> queries(Path dashboard) throws IOException {
        Map<String, List<String>> panels = new LinkedHashMap<>();
        for (JsonNode panel : JSON.readTree(dashboard.toFile()).get("panels")) {
            List<String> exprs = new ArrayList<>();
            panel.get("targets").forEach(t -> exprs.add(t.get("expr").asText()));
            panels.put(panel.get("title").asText(), exprs);
        }
        return panels;
    }

    /** The cluster's Prometheus reporters: the ports of 9250-9270 (its config) that serve metrics. */
    private static List<String> reporters() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        List<String> found = new ArrayList<>();
        for (int port = 9250; port <= 9270; port++) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("flink_")) {
                    found.add("127.0.0.1:" + port);
                }
            } catch (IOException e) {
                // no reporter on this port
            }
        }
        assertTrue(found.size() >= 2, "the JobManager's and the TaskManager's reporters: " + found);
        return found;
    }

    /** What the targets serve, one after another. */
    private static String scrape(List<String> targets) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        StringBuilder all = new StringBuilder();
        for (String target : targets) {
            try {
                all.append("# ").append(target).append('\n').append(http.send(HttpRequest.newBuilder(
                        URI.create("http://" + target + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
            } catch (IOException e) {
                all.append("# ").append(target).append(": ").append(e).append('\n');
            }
        }
        return all.toString();
    }

    private Process startPrometheus(List<String> targets, int port) throws IOException {
        StringBuilder config = new StringBuilder("global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\n"
                + "scrape_configs:\n  - job_name: all\n"
                + "    static_configs:\n      - targets: [");
        for (int i = 0; i < targets.size(); i++) {
            config.append(i == 0 ? "" : ", ").append('"').append(targets.get(i)).append('"');
        }
        config.append("]\n");
        Path file = Files.writeString(temp.resolve("prometheus.yml"), config);
        return new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + file,
                "--storage.tsdb.path=" + temp.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(temp.resolve("prometheus.log").toFile()).start();
    }

    /**
     * Each query's answer: its series as "labels = value" (only those with a finite value), or what went wrong;
     * asked again until every query has numbers or the time is up.
     */
    private static Map<String, Object> awaitAnswers(int port, Map<String, List<String>> queries, Duration timeout)
            throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        Map<String, Object> answers = new LinkedHashMap<>();
        while (true) {
            boolean all = true;
            for (List<String> exprs : queries.values()) {
                for (String expr : exprs) {
                    Object answer = ask(http, port, expr);
                    answers.put(expr, answer);
                    all &= answer instanceof List<?> series && !series.isEmpty();
                }
            }
            if (all || System.currentTimeMillis() > deadline) {
                return answers;
            }
            Thread.sleep(2_000);
        }
    }

    private static Object ask(HttpClient http, int port, String expr) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            if (!"success".equals(body.path("status").asText())) {
                return "error: " + r.body();
            }
            List<String> series = new ArrayList<>();
            for (JsonNode s : body.at("/data/result")) {
                double value = Double.parseDouble(s.at("/value/1").asText());
                if (Double.isFinite(value)) {
                    series.add(s.get("metric").toString().replace("\"", "").replace(":", "=") + " = " + value);
                }
            }
            return series;
        } catch (IOException e) {
            return "not reachable: " + e;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
