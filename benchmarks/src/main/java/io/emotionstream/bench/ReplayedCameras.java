package io.emotionstream.bench;

import io.emotionstream.schema.FrameEncoding;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.VideoFrame;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Cameras replayed from JPEG frames encoded beforehand: every 1/fps seconds each camera publishes its next frame as
 * the agent would (a VideoFrame keyed by camera, captured now, the agent's producer settings), so that measuring the
 * job leaves out the agents' own video decoding and JPEG encoding. Each camera starts at another point of the frames
 * and loops over them.
 */
final class ReplayedCameras implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "replayed-cameras");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * Starts publishing.
     *
     * @param jpegs the frames, JPEG-encoded at width x height
     */
    ReplayedCameras(String bootstrapServers, String topic, List<byte[]> jpegs, int width, int height, int cameras,
                    int fps) {
        this(bootstrapServers, topic, jpegs, width, height, "cam", cameras, fps);
    }

    /** As above, the cameras named {@code prefix} and their number. */
    ReplayedCameras(String bootstrapServers, String topic, List<byte[]> jpegs, int width, int height, String prefix,
                    int cameras, int fps) {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "5", ProducerConfig.CLIENT_ID_CONFIG, "replayed-cameras"),
                new StringSerializer(), new ByteArraySerializer());
        long[] sequence = new long[cameras];
        ticker.scheduleAtFixedRate(() -> {
            long now = System.currentTimeMillis();
            for (int c = 0; c < cameras; c++) {
                String camera = prefix + c;
                long seq = sequence[c]++;
                byte[] jpeg = jpegs.get((int) ((seq + 37L * c) % jpegs.size()));
                VideoFrame frame = VideoFrame.newBuilder().setCameraId(camera).setSequence(seq)
                        .setCaptureTime(Instant.ofEpochMilli(now)).setWidth(width).setHeight(height)
                        .setEncoding(FrameEncoding.JPEG).setData(ByteBuffer.wrap(jpeg)).build();
                producer.send(new ProducerRecord<>(topic, camera, SingleObject.encode(frame)), (metadata, error) -> {
                    (error == null ? sent : failed).incrementAndGet();
                });
            }
        }, 0, 1_000_000 / fps, TimeUnit.MICROSECONDS);
    }

    /** Frames acknowledged by the broker so far. */
    long framesSent() {
        return sent.get();
    }

    /** Frames the broker refused so far. */
    long framesFailed() {
        return failed.get();
    }

    @Override
    public void close() throws InterruptedException {
        ticker.shutdownNow();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        producer.close();
    }
}
