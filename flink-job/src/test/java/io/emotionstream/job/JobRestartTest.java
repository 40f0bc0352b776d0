package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.ingest.CapturedFrame;
import io.emotionstream.ingest.FrameEncoder;
import io.emotionstream.ingest.FrameSource;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code job} command in processes of its own, killed with SIGKILL in the middle of a clip and started again
 * with {@code --from-checkpoint latest}: the clip in progress survives in the retained checkpoint, and every clip of
 * the camera comes out exactly once (read_committed).
 */
class JobRestartTest {
    private static final int FRAMES = 300;
    private static final int BEFORE_KILL = 165; // five whole clips and half of the sixth
    private static final int CLIP = 30;

    @TempDir
    Path temp;

    @Test
    void aKilledJobResumedFromItsLatestCheckpointLosesAndRepeatsNoClip() throws Exception {
        List<byte[]> frames = frames(FRAMES);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                     broker.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            broker.createTopics(List.of(Topics.FRAMES.newTopic("frames", 1), Topics.EMOTION_EVENTS.newTopic("events"),
                    Topics.DEAD_LETTERS.newTopic("dead")));
            publish(producer, frames.subList(0, BEFORE_KILL));

            Process first = startJob(broker, "first.log");
            List<EmotionEvent> events = new ArrayList<>();
            try {
                awaitEvents(broker, events, BEFORE_KILL / CLIP, first, "first.log");
                awaitCheckpointAfter(System.currentTimeMillis() + 3_000); // the clip in progress is in one
            } finally {
                first.destroyForcibly().waitFor(); // SIGKILL: nothing is cleaned up or committed on the way out
            }
            publish(producer, frames.subList(BEFORE_KILL, FRAMES));

            Process second = startJob(broker, "second.log", "--from-checkpoint", "latest");
            try {
                awaitEvents(broker, events, FRAMES / CLIP, second, "second.log");
                Thread.sleep(3_000); // and nothing more (no repeats) after that
                awaitEvents(broker, events, FRAMES / CLIP, second, "second.log");
            } finally {
                second.destroyForcibly().waitFor();
            }
            assertTrue(log("second.log").contains("resuming from file:"), log("second.log"));

            Map<Long, Integer> clips = new TreeMap<>();
            events.forEach(e -> clips.merge(e.getFirstSequence(), 1, Integer::sum));
            Map<Long, Integer> expected = new TreeMap<>();
            for (long start = 0; start < FRAMES; start += CLIP) {
                expected.put(start, 1);
            }
            assertEquals(expected, clips, "every clip exactly once, the one cut by the kill included");
        }
    }

    /** Frames of the sample video as the agent encodes them, captured 25 per second ending a few seconds ago. */
    private static List<byte[]> frames(int count) throws IOException {
        Path video = ProjectPaths.home().resolve("samples/video/cap13_edit2.mp4");
        FrameEncoder encoder = FrameEncoder.agentDefaults();
        List<byte[]> frames = new ArrayList<>();
        long start = System.currentTimeMillis() - 60_000;
        try (FrameSource source = CameraSpec.parse("cam=" + video).openSource()) {
            source.open();
            CapturedFrame frame;
            while (frames.size() < count && (frame = source.grab()) != null) {
                frames.add(SingleObject.encode(encoder.encode("cam", frames.size(), start + 40L * frames.size(),
                        frame.image())));
            }
        }
        assertEquals(count, frames.size());
        return frames;
    }

    private static void publish(KafkaProducer<byte[], byte[]> producer, List<byte[]> frames) throws Exception {
        for (byte[] frame : frames) {
            producer.send(new ProducerRecord<>("frames", "cam".getBytes(StandardCharsets.UTF_8), frame));
        }
        producer.flush();
    }

    /** {@code job} in a JVM of its own, as an operator starts it. */
    private Process startJob(EmbeddedKafkaBroker broker, String log, String... more) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"), JobCommand.class.getName(),
                "-b", broker.bootstrapServers(), "--frames-topic", "frames", "--events-topic", "events",
                "--dead-letters-topic", "dead", "--group-id", "restart-test", "--start-from", "earliest",
                "--transactional-id-prefix", "restart-test", "--parallelism", "1", "--checkpoint-interval-ms", "500",
                "--checkpoint-dir", temp.resolve("checkpoints").toUri().toString()));
        command.addAll(List.of(more));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(temp.resolve(log).toFile())
                .start();
    }

    private void awaitCheckpointAfter(long time) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try (Stream<Path> files = Files.walk(temp.resolve("checkpoints"), 3)) {
                if (files.anyMatch(f -> f.getFileName().toString().equals("_metadata")
                        && f.toFile().lastModified() > time)) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no checkpoint after the last frame was taken in");
    }

    /** Reads the events topic (read_committed) from the start until it holds {@code count} events. */
    private void awaitEvents(EmbeddedKafkaBroker broker, List<EmotionEvent> events, int count, Process job,
                             String log) throws Exception {
        events.clear();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition("events", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.currentTimeMillis() + 120_000;
            while (events.size() < count && System.currentTimeMillis() < deadline) {
                assertTrue(job.isAlive(), "the job ended early:\n" + log(log));
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    events.add(SingleObject.decode(EmotionEvent.class, r.value()));
                }
            }
            consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                try {
                    events.add(SingleObject.decode(EmotionEvent.class, r.value()));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
        }
        assertTrue(events.size() >= count, events.size() + " events of " + count + ":\n" + log(log));
    }

    private String log(String name) {
        try {
            String text = Files.readString(temp.resolve(name));
            return text.length() > 6_000 ? text.substring(text.length() - 6_000) : text;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
