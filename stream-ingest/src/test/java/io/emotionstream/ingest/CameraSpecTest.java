package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CameraSpecTest {
    @TempDir
    Path temp;

    @Test
    void recognisesEachKindOfSource() throws Exception {
        Path video = Files.write(temp.resolve("hall way.mp4"), new byte[] {0});
        assertEquals(new CameraSpec("desk", "/dev/video2", CameraSpec.Kind.WEBCAM), CameraSpec.parse("desk=webcam:2"));
        assertEquals(CameraSpec.Kind.WEBCAM, CameraSpec.parse("desk=/dev/video0").kind());
        assertEquals(new CameraSpec("door", "rtsp://10.1.1.1:554/s?x=1", CameraSpec.Kind.STREAM),
                CameraSpec.parse("door=rtsp://10.1.1.1:554/s?x=1"));
        assertEquals(CameraSpec.Kind.VIDEO_FILE, CameraSpec.parse("v=" + video).kind());
        assertEquals(CameraSpec.Kind.IMAGE_FOLDER, CameraSpec.parse("f=" + temp).kind());
        assertEquals("hall-way", CameraSpec.parse(video.toString()).cameraId(), "named after the file");
    }

    @Test
    void refusesWhatItCannotPublish() {
        assertMessage("x=" + temp.resolve("missing.mp4"), "is no file, folder, webcam");
        assertMessage("x=webcam:cam", "webcam source must be webcam:N");
        assertMessage("x=", "names no source");
    }

    @Test
    void validatesSettings() {
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                () -> new AgentSettings("t", "fast", false, 80, 640, 0, 1, 2));
        assertTrue(rate.getMessage().contains("'native', 'max' or frames per second"));
        assertThrows(IllegalArgumentException.class, () -> new AgentSettings("t", "native", false, 0, 640, 0, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new AgentSettings("t", "-3", false, 80, 640, 0, 1, 2));
    }

    private static void assertMessage(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CameraSpec.parse(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
