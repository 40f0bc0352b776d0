package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Frames no clip reads leave their image before the face stage; the others keep it. */
class UnreadImagesTest {
    private final UnreadImages unread = new UnreadImages(new ClipGrid(30, 30, new int[] {3, 11, 18, 26}));

    @Test
    void onlyTheFramesAClipReadsKeepTheirImage() {
        KafkaFrameRecord read = record(33);
        KafkaFrameRecord passed = record(34);
        assertArrayEquals(new byte[] {1, 2, 3}, unread.map(read).data, "position 3 of the clip from 30");
        KafkaFrameRecord out = unread.map(passed);
        assertNull(out.data);
        assertNull(out.payloadPrefix);
        assertEquals(34, out.sequence, "the frame itself goes on");
        assertEquals("cam", out.cameraId);
    }

    private static KafkaFrameRecord record(long sequence) {
        KafkaFrameRecord r = new KafkaFrameRecord();
        r.cameraId = "cam";
        r.sequence = sequence;
        r.data = new byte[] {1, 2, 3};
        r.payloadPrefix = new byte[] {9};
        return r;
    }
}
