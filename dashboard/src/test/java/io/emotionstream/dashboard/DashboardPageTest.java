package io.emotionstream.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.SingleObjectSerde;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard page in a real headless Chromium (Debian's chromium and chromium-driver): it lists the cameras whose
 * events were produced and adds a camera when its first event arrives, without a reload; a camera that sees two
 * faces shows both, each with its own emotion; a camera whose clock is an hour behind is placed by its events' record
 * time, and its lag shows on its card and in Prometheus. Saves a screenshot to
 * dashboard/target/dashboard.png.
 */
class DashboardPageTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path temp;

    @Test
    void showsEveryCameraAndUpdatesLive() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Debian's chromium and chromium-driver are not installed");
        SummarySettings settings = SummarySettings.defaults();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopics(List.of(new NewTopic(settings.eventsTopic(), 1, (short) 1),
                    new NewTopic(settings.summariesTopic(), 1, (short) 1),
                    new NewTopic(settings.deadLettersTopic(), 1, (short) 1)));
            Map<String, String> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
            try (SummaryApp app = SummaryApp.start(settings, kafka, temp.resolve("state"), "127.0.0.1", 0);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                         broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                long deadline = System.currentTimeMillis() + 60_000;
                while (app.state() != KafkaStreams.State.RUNNING && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                Instant now = Instant.now();
                for (int i = 10; i >= 1; i--) {
                    String label = i % 3 == 0 ? "surprised" : "happy";
                    send(producer, settings, TestEvents.event("door", label, 0.7f, now.minusSeconds(i * 6L), 28));
                    send(producer, settings, TestEvents.event("lobby", "neutral", 0.7f, now.minusSeconds(i * 6L), 28));
                }
                // two people in the hall: one happy, one sad
                for (int i = 3; i >= 0; i--) {
                    send(producer, settings, TestEvents.face(TestEvents.event("hall", "happy", 0.8f,
                            now.minusSeconds(i * 2L), 30), 1, 2));
                    send(producer, settings, TestEvents.face(TestEvents.event("hall", "sad", 0.6f,
                            now.minusSeconds(i * 2L).plusMillis(40), 30), 2, 2));
                }
                // the clip says surprised, the camera's steady emotion is still happy
                send(producer, settings, TestEvents.smoothed(TestEvents.event("door", "surprised", 0.7f, now, 28),
                        "happy", 0.62f));
                producer.flush();

                WebDriver browser = browser();
                try {
                    browser.get("http://127.0.0.1:" + app.port() + "/");
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                    wait.until(d -> d.findElements(By.cssSelector(".camera")).size() == 3);
                    assertEquals(List.of("door", "hall", "lobby"), browser.findElements(By.cssSelector(".camera h2")).stream()
                            .map(e -> e.getText()).toList());
                    assertEquals("happy", browser.findElement(By.cssSelector(".camera[data-camera=door] .emotion"))
                            .getText().toLowerCase());
                    assertEquals("62%", browser.findElement(By.cssSelector(".camera[data-camera=door] .confidence"))
                            .getText());
                    assertEquals("last clip: surprised 70%", browser.findElement(
                            By.cssSelector(".camera[data-camera=door] .clip")).getText());
                    assertEquals("2 faces: #1 happy 80% · #2 sad 60%", browser.findElement(
                            By.cssSelector(".camera[data-camera=hall] .faces")).getText());
                    assertTrue(browser.findElement(By.cssSelector(".camera[data-camera=hall] .meta")).getText()
                            .contains("2 faces in view"));
                    assertEquals("", browser.findElement(By.cssSelector(".camera[data-camera=door] .faces")).getText(),
                            "one face: no list");
                    assertTrue(browser.findElement(By.cssSelector(".camera[data-camera=door] .meta")).getText()
                            .contains("1 face in view"));
                    wait.until(d -> d.findElement(By.id("status")).getText().equals("live"));

                    send(producer, settings, TestEvents.event("garage", "angry", 0.7f, Instant.now().minusSeconds(6), 28));
                    send(producer, settings, TestEvents.uncertain(TestEvents.event("garage", "sad", 0.35f, Instant.now(), 28)));
                    producer.flush();
                    wait.until(d -> d.findElements(By.cssSelector(".camera[data-camera=garage]")).size() == 1);
                    wait.until(d -> d.findElement(By.cssSelector(".camera[data-camera=garage] .clip")).getText()
                            .equals("last clip: uncertain (sad 35%)"));
                    assertEquals("uncertain", browser.findElement(By.cssSelector(".camera[data-camera=garage] .emotion"))
                            .getText().toLowerCase());
                    assertTrue(browser.findElement(By.cssSelector(".camera[data-camera=garage] .meta")).getText()
                            .contains("(1 uncertain)"), "uncertain clips are counted");
                    assertTrue(browser.findElement(By.cssSelector(".camera[data-camera=door] .meta")).getText()
                            .contains("events/min"));

                    // a camera whose clock is an hour behind, on a job catching up (12 s from clip end to score): the
                    // event's record time (the broker's) places it, and its lag shows on its card and in Prometheus
                    EmotionEvent behind = EmotionEvent.newBuilder(TestEvents.event("stepped", "happy", 0.8f,
                            Instant.now().minusSeconds(3_600), 3)).setProcessingLatencyMs(12_000)
                            .setFramesLookedAt(4).build(); // the default model reads 4 frames of a clip
                    producer.send(new ProducerRecord<>(settings.eventsTopic(), null, System.currentTimeMillis(),
                            "stepped", new SingleObjectSerde<>(EmotionEvent.class).encode(behind)));
                    producer.flush();
                    wait.until(d -> d.findElement(By.cssSelector(".camera[data-camera=stepped] .emotion")).getText()
                            .equalsIgnoreCase("happy"));
                    String stepped = browser.findElement(By.cssSelector(".camera[data-camera=stepped] .meta")).getText();
                    assertTrue(stepped.contains("latency 12.0 s"), stepped);
                    assertTrue(stepped.contains("the face in 3 of 4 frames read"), stepped);
                    assertTrue(browser.findElement(By.cssSelector(".camera[data-camera=garage] .meta")).getText()
                            .contains("the face in 28 of 30 frames read"), "an event from before frames_looked_at");
                    String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                            .newBuilder(java.net.URI.create("http://127.0.0.1:" + app.port() + "/metrics")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                    assertTrue(metrics.contains("emotion_stream_camera_lag_seconds{camera=\"stepped\"} 12.0"), metrics);
                    assertTrue(metrics.contains("emotion_stream_camera_lag_seconds{camera=\"door\"} 0.83"));
                    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
                    Path target = Path.of("target", "dashboard.png");
                    Files.createDirectories(target.getParent());
                    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    browser.quit();
                }
            }
        }
    }

    private WebDriver browser() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1200,800", "--user-data-dir=" + Files.createDirectories(temp.resolve("chromium")));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        return new ChromeDriver(service, options);
    }

    private static void send(KafkaProducer<String, byte[]> producer, SummarySettings settings, EmotionEvent e) {
        producer.send(new ProducerRecord<>(settings.eventsTopic(), null, e.getClipEndTime().toEpochMilli(),
                e.getCameraId(), new SingleObjectSerde<>(EmotionEvent.class).encode(e)));
    }

}
