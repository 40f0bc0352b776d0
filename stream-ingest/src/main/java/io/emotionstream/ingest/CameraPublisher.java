package io.emotionstream.ingest;

import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.VideoFrame;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one camera: grabs frames from its source, paces them, scales and JPEG-encodes them, and sends them as
 * {@link VideoFrame} records keyed by camera id. A live source that fails or drops is reopened with exponential
 * backoff until the agent stops; a file or folder is published once (or looped) and a failure ends the camera.
 * Capturing never waits for the broker: frames go into the camera's {@link SendQueue}, and a sender thread of the
 * camera hands them to the producer, at most {@value #MAX_IN_FLIGHT} unacknowledged at a time, so a broker outage
 * costs no frame until the queue is full (then the oldest go first, counted and logged).
 */
final class CameraPublisher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(CameraPublisher.class);
    /** Frames handed to the producer and not yet acknowledged, at most. */
    static final int MAX_IN_FLIGHT = 32;

    private final CameraSpec camera;
    private final AgentSettings settings;
    private final Producer<String, byte[]> producer;
    private final CameraStats stats;
    private final FrameEncoder encoder;
    private final SendQueue queue;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    /** Whether the sender keeps taking frames from the queue. */
    private volatile boolean sending = true;
    private volatile boolean running = true;
    private long sequence;
    private long droppedLoggedAt;

    CameraPublisher(CameraSpec camera, AgentSettings settings, Producer<String, byte[]> producer) {
        this.camera = camera;
        this.settings = settings;
        this.producer = producer;
        this.stats = new CameraStats(camera.cameraId());
        this.encoder = new FrameEncoder(settings.jpegQuality(), settings.maxSide());
        this.queue = new SendQueue(settings.sendQueueBytes());
    }

    CameraStats stats() {
        return stats;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        Thread sender = new Thread(this::handOver, Thread.currentThread().getName() + "-sender");
        sender.setDaemon(true);
        sender.start();
        try {
            capture();
        } finally {
            sending = false;
            sender.interrupt();
        }
    }

    private void capture() {
        long backoff = settings.initialBackoffMillis();
        try (FrameSource source = camera.openSource()) {
            while (running) {
                try {
                    source.open();
                    stats.state.set(CameraStats.State.STREAMING);
                    backoff = settings.initialBackoffMillis();
                    boolean reachedLimit = publish(source);
                    if (reachedLimit) {
                        sendWaiting(); // so that the counts are final when the camera reports FINISHED
                        stats.state.set(CameraStats.State.FINISHED);
                        return;
                    }
                    if (!running) {
                        break;
                    }
                    if (!source.live()) {
                        if (settings.loop()) {
                            continue;
                        }
                        sendWaiting();
                        stats.state.set(CameraStats.State.FINISHED);
                        LOG.info("Camera {}: {} ended after {} frames", camera.cameraId(), source.describe(), sequence);
                        return;
                    }
                    throw new IOException("stream ended");
                } catch (IOException | RuntimeException e) {
                    stats.lastError.set(e.getMessage());
                    if (!source.live()) {
                        stats.state.set(CameraStats.State.FAILED);
                        LOG.error("Camera {}: {}", camera.cameraId(), e.getMessage());
                        return;
                    }
                    stats.state.set(CameraStats.State.RECONNECTING);
                    LOG.warn("Camera {}: {}; reconnecting in {} ms", camera.cameraId(), e.getMessage(), backoff);
                    source.close();
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, settings.maxBackoffMillis());
                    stats.reconnects.incrementAndGet();
                }
            }
        }
        stats.state.compareAndSet(CameraStats.State.STREAMING, CameraStats.State.STOPPED);
        stats.state.compareAndSet(CameraStats.State.RECONNECTING, CameraStats.State.STOPPED);
    }

    /** Publishes until the source ends or the agent stops; true when the frame limit was reached. */
    private boolean publish(FrameSource source) throws IOException {
        double rate = settings.framesPerSecond(source);
        long intervalNanos = rate > 0 ? (long) (1e9 / rate) : 0;
        long next = System.nanoTime();
        // a file or folder is a camera with its own clock: frame k of this run is captured at start + k intervals,
        // so a pause of this process (a busy machine, a broker outage) delays frames but leaves no gap in the video
        long timelineStart = System.currentTimeMillis();
        long published = 0;
        while (running) {
            if (settings.maxFrames() > 0 && sequence >= settings.maxFrames()) {
                return true;
            }
            CapturedFrame frame = source.grab();
            if (frame == null) {
                return false;
            }
            long now = System.nanoTime();
            if (intervalNanos > 0) {
                if (source.live()) {
                    if (now < next) {
                        continue; // faster than the asked rate: drop this frame
                    }
                } else if (now < next) {
                    sleepNanos(next - now);
                }
                next = Math.max(next + intervalNanos, System.nanoTime() - intervalNanos);
            }
            long captured = source.live() ? frame.captureTimeMillis()
                    : intervalNanos > 0 ? timelineStart + published * intervalNanos / 1_000_000
                    : System.currentTimeMillis();
            published++;
            send(frame.image(), captured);
        }
        return false;
    }

    private void send(BufferedImage image, long captureTimeMillis) {
        VideoFrame record = encoder.encode(camera.cameraId(), sequence++, captureTimeMillis, image);
        int dropped = queue.add(SingleObject.encode(record));
        if (dropped > 0) {
            stats.framesDropped.addAndGet(dropped);
            long now = System.currentTimeMillis();
            if (now - droppedLoggedAt >= 10_000) {
                droppedLoggedAt = now;
                LOG.warn("Camera {}: the broker takes no frames; its send queue ({} MB) is full, so its oldest frames "
                        + "are dropped ({} so far)", camera.cameraId(), settings.sendQueueBytes() >> 20,
                        stats.framesDropped.get());
            }
        }
    }

    /**
     * The sender: hands the waiting frames to the producer, oldest first, at most MAX_IN_FLIGHT unacknowledged (a
     * send may wait for the broker's metadata through an outage; capturing goes on meanwhile).
     */
    private void handOver() {
        try {
            while (sending) {
                byte[] value = queue.take(200, TimeUnit.MILLISECONDS);
                if (value == null) {
                    continue;
                }
                inFlight.acquire();
                try {
                    producer.send(new ProducerRecord<>(settings.topic(), camera.cameraId(), value), (metadata, error) -> {
                        inFlight.release();
                        acknowledged(value, error);
                        queue.done();
                    });
                } catch (InterruptException e) {
                    return; // the agent stops
                } catch (RuntimeException e) { // refused before it was sent: this frame fails, the next ones go on
                    inFlight.release();
                    acknowledged(value, e);
                    queue.done();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until every waiting frame is sent and acknowledged (while the agent runs). */
    private void sendWaiting() {
        while (running && !queue.finished()) {
            sleep(20);
        }
        if (queue.size() > 0) {
            LOG.warn("Camera {}: stopped with {} frames not sent", camera.cameraId(), queue.size());
        }
    }

    private void acknowledged(byte[] value, Exception error) {
        if (error == null) {
            stats.framesSent.incrementAndGet();
            stats.bytesSent.addAndGet(value.length);
        } else {
            if (stats.sendErrors.getAndIncrement() % 100 == 0) {
                LOG.warn("Camera {}: sending a frame failed: {}", camera.cameraId(), error.getMessage());
            }
            stats.lastError.set(error.getMessage());
        }
    }

    private void sleep(long millis) {
        sleepNanos(millis * 1_000_000L);
    }

    private void sleepNanos(long nanos) {
        long deadline = System.nanoTime() + nanos;
        while (running) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                Thread.sleep(Math.min(left / 1_000_000L + 1, 200));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}
