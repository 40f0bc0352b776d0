package io.emotionstream.ingest;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One camera's frames waiting to be handed to the Kafka producer, bounded in bytes: the camera's publisher adds
 * frames without ever waiting, and its sender takes them, oldest first, as the broker takes them. While the broker
 * cannot be reached the frames wait here, so that an outage costs no frame until this queue is full; then the oldest
 * frames are dropped first (the newest show what the camera sees now), and counted. Thread-safe.
 */
final class SendQueue {
    private final long maxBytes;
    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private long bytes;
    /** Frames added and neither acknowledged ({@link #done}) nor dropped. */
    private int unfinished;

    SendQueue(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("a send queue needs room, got " + maxBytes + " bytes");
        }
        this.maxBytes = maxBytes;
    }

    /**
     * Adds a frame's record at the end.
     *
     * @return how many of the oldest frames were dropped to make room
     */
    synchronized int add(byte[] record) {
        int dropped = 0;
        while (!frames.isEmpty() && bytes + record.length > maxBytes) {
            bytes -= frames.removeFirst().length;
            dropped++;
        }
        frames.addLast(record);
        bytes += record.length;
        unfinished += 1 - dropped;
        notifyAll();
        return dropped;
    }

    /** The oldest waiting frame, taken out, waiting up to the timeout for one; null when none came. */
    synchronized byte[] take(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (frames.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        byte[] record = frames.removeFirst();
        bytes -= record.length;
        return record;
    }

    /** A frame taken out was answered by the broker (acknowledged, or failed for good). */
    synchronized void done() {
        unfinished--;
        notifyAll();
    }

    /** Whether every frame added was taken out and answered (or dropped). */
    synchronized boolean finished() {
        return unfinished == 0;
    }

    synchronized int size() {
        return frames.size();
    }

    synchronized long bytes() {
        return bytes;
    }
}
