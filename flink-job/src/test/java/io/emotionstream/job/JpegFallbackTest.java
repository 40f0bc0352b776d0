package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.face.JpegDecoder;
import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.ingest.CapturedFrame;
import io.emotionstream.ingest.FrameEncoder;
import io.emotionstream.ingest.FrameSource;
import io.emotionstream.image.ImageFrame;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.schema.SingleObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where the JPEG bridge is not there (a build without libjpeg-turbo's headers, or another platform), the face stage
 * decodes the agent's JPEG frames with ImageIO and follows the face as before. Runs only in the surefire execution
 * {@code jpeg-bridge-off} (flink-job/pom.xml), whose JVM has the bridge turned off.
 */
class JpegFallbackTest {
    private static final int FRAMES = 60;

    @Test
    void theFaceStageDecodesJpegFramesWithoutTheBridge() throws Exception {
        assertFalse(JpegDecoder.available(), "this test runs with " + JpegDecoder.BRIDGE_PROPERTY + "=false");
        ModelDescriptor model = ModelDescriptor.load(ProjectPaths.defaultModel());
        FaceStageSettings settings = FaceStageSettings.defaults(DlibFaceDetector.DEBIAN_LANDMARK_MODEL.toString(),
                FaceStageSettings.DEFAULT_KEYFRAME_INTERVAL);
        FrameEncoder encoder = FrameEncoder.agentDefaults();
        FrameRecordDeserializer deserializer = new FrameRecordDeserializer(FrameLimits.defaults());
        int withOneFace = 0;
        try (FaceFinder finder = new FaceFinder(model, settings);
             FrameSource source = CameraSpec.parse("cam=" + ProjectPaths.home().resolve("samples/video/cap13_edit2.mp4"))
                     .openSource()) {
            source.open();
            FaceTracks tracks = new FaceTracks();
            for (int i = 0; i < FRAMES; i++) {
                CapturedFrame frame = source.grab();
                long time = 1_000_000L + 40L * i;
                KafkaFrameRecord record = deserializer.read("frames", 0, i, time, "cam".getBytes(),
                        SingleObject.encode(encoder.encode("cam", i, time, frame.image())));
                ImageFrame image = finder.decode(record);
                assertEquals(1, image.channels(), "gray, as the default model reads only luma");
                assertEquals(record.width * record.height, image.pixels().length);
                List<FaceTracker.TrackedFace> faces = finder.locate(image, tracks);
                if (faces.size() == 1 && faces.get(0).track() == 1) {
                    withOneFace++;
                }
            }
        }
        assertEquals(FRAMES, withOneFace, "frames whose one face the stage followed as track 1");
    }
}
