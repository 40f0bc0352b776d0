package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A camera's frames waiting for the broker: in order, bounded in bytes, the oldest dropped first. */
class SendQueueTest {
    @Test
    void framesComeOutInOrderAndTheOldestGoWhenItIsFull() throws Exception {
        SendQueue queue = new SendQueue(10);
        assertEquals(0, queue.add(new byte[] {1, 1, 1}));
        assertEquals(0, queue.add(new byte[] {2, 2, 2}));
        assertEquals(0, queue.add(new byte[] {3, 3, 3}));
        assertEquals(1, queue.add(new byte[] {4, 4, 4}), "10 bytes hold three frames of 3");
        assertEquals(9, queue.bytes());
        assertArrayEquals(new byte[] {2, 2, 2}, queue.take(0, TimeUnit.MILLISECONDS));
        assertEquals(2, queue.add(new byte[] {5, 5, 5, 5, 5, 5, 5, 5}));
        assertArrayEquals(new byte[] {5, 5, 5, 5, 5, 5, 5, 5}, queue.take(0, TimeUnit.MILLISECONDS));
        assertNull(queue.take(0, TimeUnit.MILLISECONDS));
        assertEquals(0, queue.bytes());
        assertEquals(0, queue.add(new byte[20]), "a frame larger than the queue still goes, alone");
        assertEquals(1, queue.size());
        assertEquals(false, queue.finished(), "frames taken out are unfinished until answered");
        queue.done();
        queue.done();
        queue.take(0, TimeUnit.MILLISECONDS);
        queue.done();
        assertEquals(true, queue.finished());
    }
}
