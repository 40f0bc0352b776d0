package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.ingest.CapturedFrame;
import io.emotionstream.ingest.FrameEncoder;
import io.emotionstream.ingest.FrameSource;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.schema.DeadLetter;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.Topics;
import io.emotionstream.schema.VideoFrame;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The clock rows of an operator's worst week, through a real broker and the whole job on a MiniCluster: cameras that
 * publish the sample video's frames with a glitchy clock (one frame in 50 stamped 5 s ahead), a clock that steps back
 * an hour, a coarse clock (three frames a millisecond), and a camera beside which four frames 9.5 s ahead are forged
 * under its id far ahead in its sequence. Every camera's real frames still make their clips (the stepped camera's, every
 * clip of its sequence after the one the step cut); only the forged frames are dead letters.
 */
class CameraClockEndToEndTest {
    private static final int CLIP = 30;
    private static final int FRAMES = 150;
    private static final long FRAME_MS = 40;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void noCameraLosesItsClipsToAClockThatLies() throws Exception {
        List<VideoFrame> video = videoFrames(FRAMES + 30);
        long start = System.currentTimeMillis() - 60_000;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            JobOnBroker.createTopics(broker);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    "bootstrap.servers", broker.bootstrapServers(), "max.request.size", Topics.FRAME_MAX_MESSAGE_BYTES),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int seq = 0; seq < FRAMES; seq++) {
                    long time = start + seq * FRAME_MS;
                    JobOnBroker.sendFrame(producer, video.get(seq), "glitchy", seq, seq % 50 == 25 ? time + 5_000 : time);
                    JobOnBroker.sendFrame(producer, video.get(seq), "coarse", seq, start + (seq / 3) * 3 * FRAME_MS);
                    if (seq == 60) {
                        for (int forged = 0; forged < 4; forged++) {
                            JobOnBroker.sendFrame(producer, video.get(seq), "victim", 10_000 + forged, time + 9_500);
                        }
                    }
                    JobOnBroker.sendFrame(producer, video.get(seq), "victim", seq, time);
                }
                for (int seq = 0; seq < FRAMES + 30; seq++) { // the clock steps back an hour after 15 frames
                    long time = start + seq * FRAME_MS;
                    JobOnBroker.sendFrame(producer, video.get(seq), "stepped", seq, seq < 15 ? time : time - 3_600_000);
                }
                producer.flush();
            }

            // the frames are one backlog, sent at once: no fair share
            JobOnBroker.define(broker, true, 1_000, "clock", JobOnBroker.settings(FairShareSettings.unlimited()))
                    .execute("camera-clocks");

            Map<String, List<Long>> clipStarts = new TreeMap<>();
            for (byte[] value : readCommitted(broker, "events")) {
                EmotionEvent e = EmotionEvent.fromByteBuffer(ByteBuffer.wrap(value));
                clipStarts.computeIfAbsent(e.getCameraId().toString(), c -> new ArrayList<>()).add(e.getFirstSequence());
            }
            clipStarts.values().forEach(starts -> starts.sort(Long::compare));
            // a face's first clip starts at the first frame the model reads (3 of 30), the next ones whole
            List<Long> everyClip = List.of(3L, 30L, 60L, 90L, 120L);
            assertEquals(Map.of("coarse", everyClip, "glitchy", everyClip, "victim", everyClip,
                    "stepped", List.of(30L, 60L, 90L, 120L, 150L)), clipStarts);

            List<String> deadLetters = new ArrayList<>();
            for (byte[] value : readCommitted(broker, "dead")) {
                DeadLetter letter = DeadLetter.fromByteBuffer(ByteBuffer.wrap(value));
                deadLetters.add(letter.getCameraId() + " " + letter.getReason());
            }
            assertEquals(List.of("victim OUT_OF_PLACE", "victim OUT_OF_PLACE", "victim OUT_OF_PLACE",
                    "victim OUT_OF_PLACE"), deadLetters, "only the forged frames");
        }
    }

    /** The sample video's first frames, encoded as the agent does. */
    private static List<VideoFrame> videoFrames(int count) throws Exception {
        FrameEncoder encoder = FrameEncoder.agentDefaults();
        List<VideoFrame> frames = new ArrayList<>();
        String video = ProjectPaths.home().resolve("samples/video/cap13_edit2.mp4").toString();
        try (FrameSource source = CameraSpec.parse("cam=" + video).openSource()) {
            source.open();
            CapturedFrame frame;
            while (frames.size() < count && (frame = source.grab()) != null) {
                frames.add(encoder.encode("cam", frames.size(), 0, frame.image()));
            }
        }
        assertEquals(count, frames.size());
        return frames;
    }

    private static List<byte[]> readCommitted(EmbeddedKafkaBroker broker, String topic) {
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long quietUntil = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < quietUntil) {
                int before = values.size();
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                if (values.size() > before) {
                    quietUntil = System.currentTimeMillis() + 3_000;
                }
            }
        }
        return values;
    }
}
