package io.emotionstream.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.schema.DeadLetter;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.SingleObjectSerde;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summary app against a real embedded broker: the HTTP API, bad records, and state that survives a restart. */
class SummaryAppTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path state;

    @Test
    void servesSummariesOfTheEventsAndKeepsThemAcrossARestart() throws Exception {
        SummarySettings settings = SummarySettings.defaults();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopics(List.of(new NewTopic(settings.eventsTopic(), 1, (short) 1),
                    new NewTopic(settings.summariesTopic(), 1, (short) 1),
                    new NewTopic(settings.deadLettersTopic(), 1, (short) 1)));
            Map<String, String> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
            Instant at = Instant.now().minusSeconds(1);
            try (SummaryApp app = SummaryApp.start(settings, kafka, state, "127.0.0.1", 0)) {
                awaitRunning(app);
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                        broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                    SingleObjectSerde<EmotionEvent> serde = new SingleObjectSerde<>(EmotionEvent.class);
                    for (String label : List.of("happy", "happy", "sad")) {
                        producer.send(record(settings, serde, TestEvents.event("door", label, 0.6f, at, 30)));
                    }
                    producer.send(record(settings, serde, TestEvents.event("lobby", "neutral", 0.6f, at, 30)));
                    producer.send(new ProducerRecord<>(settings.eventsTopic(), null, at.toEpochMilli(), "door",
                            "garbage".getBytes()));
                }
                JsonNode cameras = awaitJson(app, "/api/cameras", node -> node.has("door") && node.has("lobby")
                        && node.at("/door/windows/1m/events").asInt() == 3);
                assertEquals("happy", cameras.at("/door/windows/1m/dominant").asText());
                assertEquals(2, cameras.at("/door/windows/1m/labels/happy/events").asInt());
                assertEquals(3, cameras.at("/door/windows/5m/events").asInt());
                assertEquals("sad", cameras.at("/door/last_event/label").asText(), "the last event by clip end");

                JsonNode door = get(app, "/api/cameras/door", 200);
                assertEquals(3, door.at("/windows/1m/events").asInt());
                JsonNode history = get(app, "/api/cameras/door/history?minutes=5", 200);
                assertTrue(history.isArray() && history.size() >= 1, history.toString());
                get(app, "/api/cameras/nobody", 404);
                get(app, "/api/cameras/door/history?minutes=0", 400);
                assertEquals(List.of("NOT_AVRO"), deadLetters(broker, settings));

                String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(metrics.lines().anyMatch(l -> l.startsWith("kafka_stream_thread_metrics_process_total{")
                        && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 5), metrics.substring(0,
                        Math.min(2_000, metrics.length())));
            }
            try (SummaryApp again = SummaryApp.start(settings, kafka, state, "127.0.0.1", 0)) {
                awaitRunning(again);
                JsonNode door = awaitJson(again, "/api/cameras/door", node -> node.has("windows"));
                assertEquals(3, door.at("/windows/1m/events").asInt(), "state survived the restart");
            }
        }
    }

    /**
     * Two instances of the app share the cameras (the events topic has two partitions, each instance holds one):
     * either answers every camera's summaries, those of the other's cameras by asking it, and lists every camera.
     */
    @Test
    void twoInstancesAnswerForEveryCamera() throws Exception {
        SummarySettings settings = SummarySettings.defaults();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopics(List.of(new NewTopic(settings.eventsTopic(), 2, (short) 1),
                    new NewTopic(settings.summariesTopic(), 1, (short) 1),
                    new NewTopic(settings.deadLettersTopic(), 1, (short) 1)));
            Map<String, String> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
            Instant at = Instant.now().minusSeconds(1);
            List<String> cameras = List.of("cam-a", "cam-b", "cam-c", "cam-d", "cam-e", "cam-f");
            try (SummaryApp first = SummaryApp.start(settings, kafka, state.resolve("first"), "127.0.0.1", 0);
                 SummaryApp second = SummaryApp.start(settings, kafka, state.resolve("second"), "127.0.0.1", 0)) {
                awaitRunning(first);
                awaitRunning(second);
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                        broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                    SingleObjectSerde<EmotionEvent> serde = new SingleObjectSerde<>(EmotionEvent.class);
                    for (int i = 0; i < cameras.size(); i++) {
                        for (int n = 0; n <= i; n++) { // camera i has i + 1 events
                            producer.send(record(settings, serde, TestEvents.event(cameras.get(i), "happy", 0.6f, at, 30)));
                        }
                    }
                }
                for (SummaryApp app : List.of(first, second)) {
                    JsonNode all = awaitJson(app, "/api/cameras", node -> cameras.stream().allMatch(node::has)
                            && node.at("/cam-f/windows/1m/events").asInt() == 6);
                    assertEquals(cameras.size(), all.size(), all.toString());
                }
                int elsewhere = 0;
                int[] held = new int[2];
                for (int i = 0; i < cameras.size(); i++) {
                    String camera = cameras.get(i);
                    for (SummaryApp app : List.of(first, second)) {
                        JsonNode one = awaitJson(app, "/api/cameras/" + camera,
                                node -> node.at("/windows/1m/events").asInt() > 0);
                        assertEquals(i + 1, one.at("/windows/1m/events").asInt(), camera + " from " + app.port());
                    }
                    // asked as another instance asks (answered from its own stores only): one of the two lacks it
                    int local = 0;
                    for (int a = 0; a < 2; a++) {
                        SummaryApp app = a == 0 ? first : second;
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(app, "/api/cameras/" + camera))
                                .header(Instances.FORWARDED, "1").build(), HttpResponse.BodyHandlers.ofString());
                        local += r.statusCode() == 200 ? 1 : 0;
                        held[a] += r.statusCode() == 200 ? 1 : 0;
                    }
                    assertEquals(1, local, camera + " is held by exactly one instance");
                    elsewhere += get(first, "/api/cameras/" + camera + "/history?minutes=5", 200).size() > 0 ? 1 : 0;
                }
                assertEquals(cameras.size(), elsewhere, "every camera's history, from the first instance");
                assertTrue(held[0] > 0 && held[1] > 0, "each instance holds some cameras: " + held[0] + ", " + held[1]);
            }
        }
    }

    private static ProducerRecord<String, byte[]> record(SummarySettings settings, SingleObjectSerde<EmotionEvent> serde,
                                                         EmotionEvent e) {
        return new ProducerRecord<>(settings.eventsTopic(), null, e.getClipEndTime().toEpochMilli(), e.getCameraId(),
                serde.encode(e));
    }


    private static List<String> deadLetters(EmbeddedKafkaBroker broker, SummarySettings settings) throws Exception {
        List<String> reasons = new ArrayList<>();
        SingleObjectSerde<DeadLetter> serde = new SingleObjectSerde<>(DeadLetter.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dead-check",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(settings.deadLettersTopic()));
            long deadline = System.currentTimeMillis() + 30_000;
            while (reasons.isEmpty() && System.currentTimeMillis() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    reasons.add(serde.decode(r.value()).getReason());
                }
            }
        }
        return reasons;
    }

    private static void awaitRunning(SummaryApp app) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (app.state() != KafkaStreams.State.RUNNING && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(KafkaStreams.State.RUNNING, app.state());
    }

    private JsonNode awaitJson(SummaryApp app, String path, java.util.function.Predicate<JsonNode> ready) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(app, path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                last = json.readTree(response.body());
                if (ready.test(last)) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no ready answer from " + path + "; last: " + last);
    }

    private JsonNode get(SummaryApp app, String path, int status) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(app, path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), path + ": " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return json.readTree(response.body());
    }

    private static URI uri(SummaryApp app, String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }
}
