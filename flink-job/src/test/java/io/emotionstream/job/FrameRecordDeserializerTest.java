package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.schema.CameraSites;
import io.emotionstream.schema.DeadLetterReason;
import io.emotionstream.schema.FrameEncoding;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.VideoFrame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A site's frames topic names its cameras SITE:ID, so that the same id on another site's topic, or on the frames
 * topic itself, is another camera: a camera login bound to its site's topic cannot publish as anybody else's camera.
 */
class FrameRecordDeserializerTest {
    private static final long NOW = 1_700_000_000_000L;
    private final FrameRecordDeserializer deserializer =
            new FrameRecordDeserializer(FrameLimits.defaults(), null, "camera-frames");

    private static byte[] frame(String camera) {
        return SingleObject.encode(VideoFrame.newBuilder().setCameraId(camera).setSequence(7)
                .setCaptureTime(Instant.ofEpochMilli(NOW)).setWidth(4).setHeight(4).setEncoding(FrameEncoding.JPEG)
                .setData(ByteBuffer.wrap(new byte[] {1, 2, 3})).build());
    }

    private KafkaFrameRecord read(String topic, String key, byte[] value) {
        return deserializer.read(topic, 0, 1, NOW, key.getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void aSitesCameraIsNamedAfterItsSiteAndNoOtherTopicCanNameIt() {
        KafkaFrameRecord lobby = read("camera-frames.lobby", "door", frame("door"));
        assertTrue(lobby.usable(), lobby.problemDetail);
        assertEquals("lobby:door", lobby.cameraKey());
        assertEquals("lobby:door", lobby.key);
        assertEquals("camera-frames.lobby", lobby.topic);

        assertEquals("door", read("camera-frames", "door", frame("door")).cameraKey());
        assertEquals("garage:door", read("camera-frames.garage", "door", frame("door")).cameraKey());
        // a camera of the frames topic cannot take a site camera's name: ':' is not in a camera id
        KafkaFrameRecord posing = read("camera-frames", "lobby:door", frame("lobby:door"));
        assertFalse(posing.usable());
        assertEquals(DeadLetterReason.INVALID_FRAME, posing.problem);
        // nor can another site's: its name gets that site's prefix
        KafkaFrameRecord posingSite = read("camera-frames.garage", "lobby:door", frame("lobby:door"));
        assertFalse(posingSite.usable());
        assertTrue(posingSite.cameraKey().startsWith("garage:"), posingSite.cameraKey());
    }

    @Test
    void aBadRecordOfASiteIsKeyedByTheSitesName() {
        KafkaFrameRecord garbage = read("camera-frames.lobby", "door", new byte[] {9, 9, 9});
        assertEquals(DeadLetterReason.NOT_AVRO, garbage.problem);
        assertEquals("lobby:door", garbage.cameraKey());
    }

    @Test
    void theJobReadsTheFramesTopicAndEverySitesButNoOther() {
        var topics = CameraSites.framesTopics("camera-frames");
        for (String topic : new String[] {"camera-frames", "camera-frames.lobby", "camera-frames.site_2-b"}) {
            assertTrue(topics.matcher(topic).matches(), topic);
        }
        for (String topic : new String[] {"camera-framesx", "camera-frames.", "camera-frames.a.b", "emotion-events",
                "camera-frames.a:b"}) {
            assertFalse(topics.matcher(topic).matches(), topic);
        }
        assertEquals("lobby", CameraSites.siteOf("camera-frames", "camera-frames.lobby"));
        assertNull(CameraSites.siteOf("camera-frames", "camera-frames"));
        assertEquals("camera-lobby", CameraSites.userName("lobby"));
    }
}
