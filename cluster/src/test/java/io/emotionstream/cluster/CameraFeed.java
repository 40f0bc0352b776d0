package io.emotionstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.ingest.CapturedFrame;
import io.emotionstream.ingest.FrameEncoder;
import io.emotionstream.ingest.FrameSource;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One camera of the failure tests: the sample webcam video, encoded as the agent encodes it, with sequence numbers
 * and capture times (25 fps, in the recent past) known in advance, so that every clip the job must emit is known:
 * one per 30 frames, identified by camera and first sequence. Events are read as a subscriber would,
 * read_committed.
 */
final class CameraFeed {
    static final int CLIP = 30;
    static final String FRAMES = "frames";
    static final String EVENTS = "events";
    static final String DEAD = "dead";

    private final String camera;
    private final List<byte[]> frames = new ArrayList<>();

    CameraFeed(String camera, int count) {
        this.camera = camera;
        FrameEncoder encoder = FrameEncoder.agentDefaults();
        long start = System.currentTimeMillis() - 40L * count - 5_000;
        try (FrameSource source = CameraSpec.parse(camera + "="
                + ProjectPaths.home().resolve("samples/video/cap13_edit2.mp4")).openSource()) {
            source.open();
            CapturedFrame frame;
            while (frames.size() < count && (frame = source.grab()) != null) {
                frames.add(SingleObject.encode(encoder.encode(camera, frames.size(), start + 40L * frames.size(),
                        frame.image())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(count, frames.size(), "frames in the sample video");
    }

    int size() {
        return frames.size();
    }

    /** The topics of a test, created as the project declares them. */
    static void createTopics(EmbeddedKafkaBroker broker, int framePartitions) {
        broker.createTopics(List.of(Topics.FRAMES.newTopic(FRAMES, framePartitions),
                Topics.EMOTION_EVENTS.newTopic(EVENTS), Topics.DEAD_LETTERS.newTopic(DEAD)));
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap), new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** Publishes frames [from, to), at most {@code perSecond} a second (0: at once). */
    void publish(KafkaProducer<byte[], byte[]> producer, int from, int to, int perSecond) throws Exception {
        long started = System.nanoTime();
        for (int i = from; i < to; i++) {
            if (perSecond > 0) {
                long due = started + (i - from) * 1_000_000_000L / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            producer.send(new ProducerRecord<>(FRAMES, camera.getBytes(StandardCharsets.UTF_8), frames.get(i)));
        }
        producer.flush();
    }

    /**
     * The clips the job must emit for frames [0, count) of a face in view throughout: first sequence to 1 (the face's
     * first clip from the first frame the default model reads, the next ones whole).
     */
    static Map<Long, Integer> expectedClips(int count) {
        long read = ModelDescriptor.load(ProjectPaths.defaultModel()).frameIndices()[0];
        Map<Long, Integer> expected = new TreeMap<>();
        for (long first = 0; first + CLIP <= count; first += CLIP) {
            expected.put(first == 0 ? read : first, 1);
        }
        return expected;
    }

    /** How many events each clip (by first sequence) has in the events topic, read_committed from the start. */
    static Map<Long, Integer> clipsInEvents(String bootstrap) {
        Map<Long, Integer> clips = new TreeMap<>();
        for (EmotionEvent e : events(bootstrap)) {
            clips.merge(e.getFirstSequence(), 1, Integer::sum);
        }
        return clips;
    }

    static List<EmotionEvent> events(String bootstrap) {
        List<EmotionEvent> events = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(EVENTS, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.currentTimeMillis() + 10_000;
            while (consumer.position(partition) < end && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    events.add(SingleObject.decode(EmotionEvent.class, r.value()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    /** Waits until the events topic holds at least {@code count} events, or the job is gone; the time it took. */
    static long awaitEvents(String bootstrap, int count, Duration timeout, BooleanSupplier jobAlive) {
        long started = System.currentTimeMillis();
        while (System.currentTimeMillis() - started < timeout.toMillis()) {
            if (events(bootstrap).size() >= count) {
                return System.currentTimeMillis() - started;
            }
            if (!jobAlive.getAsBoolean()) {
                throw new AssertionError("the job is gone before " + count + " events");
            }
            sleep(500);
        }
        throw new AssertionError("fewer than " + count + " events after " + timeout + ": " + clipsInEvents(bootstrap));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
