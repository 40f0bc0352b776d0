package io.emotionstream.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.emotionstream.image.GrayFrame;
import io.emotionstream.image.ImageFrame;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.ModelDescriptor.CropGeometry;
import io.emotionstream.model.OnnxClipClassifier;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.image.RgbFrame;
import io.emotionstream.model.ScoringOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real dlib on the shared public-domain photographs: faces found, crops placed as the model's descriptor says. */
class FaceCropTest {
    private static final Path STILLS = ProjectPaths.sharedData().resolve("stills");
    private static final ModelDescriptor MODEL = ModelDescriptor.load(ProjectPaths.defaultModel());
    private static DlibFaceDetector detector;

    @BeforeAll
    static void openDetector() {
        assumeTrue(Files.isDirectory(STILLS), "needs ../shared/data: the stills not found at " + STILLS);
        detector = new DlibFaceDetector(DlibFaceDetector.Options.defaults());
    }

    @AfterAll
    static void closeDetector() {
        if (detector != null) {
            detector.close();
        }
    }

    @Test
    void findsTheFaceAndItsEyesInEachPhotograph() throws Exception {
        for (String name : List.of("astronaut.png", "grace_hopper.jpg")) {
            RgbFrame frame = read(name);
            List<DetectedFace> faces = detector.detect(frame);
            assertEquals(1, faces.size(), name);
            DetectedFace face = faces.get(0);
            assertTrue(face.score() > 0.5, name + " score " + face.score());
            float[] left = face.leftEye();
            float[] right = face.rightEye();
            assertTrue(left[0] < right[0], "left eye on the image's left");
            assertTrue(left[0] > face.x() && right[0] < face.x() + face.width(), "eyes inside the box");
            assertTrue(left[1] > face.y() && left[1] < face.y() + face.height() / 2.0, "eyes in the upper half");
        }
    }

    @Test
    void cropPutsTheEyesWhereTheDescriptorSays() throws Exception {
        // crop at four times the model's size with the same geometry, then let dlib find the eyes in the crop
        CropGeometry model = MODEL.crop();
        CropGeometry large = new CropGeometry(model.width() * 4, model.height() * 4, model.eyeCenterX(),
                model.eyeCenterY(), model.eyeDistance(), true);
        for (String name : List.of("astronaut.png", "grace_hopper.jpg")) {
            RgbFrame frame = read(name);
            RgbFrame crop = new FaceCropper(large).crop(frame, detector.detect(frame).get(0));
            try (DlibFaceDetector sensitive = new DlibFaceDetector(
                    new DlibFaceDetector.Options(DlibFaceDetector.DEBIAN_LANDMARK_MODEL, 1, 0.0))) {
                List<DetectedFace> again = sensitive.detect(crop);
                assertEquals(1, again.size(), name + ": one face in its crop");
                float[] left = again.get(0).leftEye();
                float[] right = again.get(0).rightEye();
                double tolerance = 0.04 * large.width();
                assertEquals(large.eyeCenterY() * large.height(), (left[1] + right[1]) / 2, tolerance, name + " eye row");
                assertEquals(large.eyeCenterX() * large.width(), (left[0] + right[0]) / 2, tolerance, name + " eye centre");
                assertEquals(large.eyeDistance() * large.width(), right[0] - left[0], tolerance, name + " eye distance");
                assertEquals(left[1], right[1], tolerance, name + " eyes level");
            }
        }
    }

    @Test
    void theCropIsWithinAToleranceOfTheAreaAverage() throws Exception {
        // samples two frame pixels apart against samples a quarter pixel apart (nearly the exact area average), at the
        // model's size and at twice it, on the two photographs' faces (about 3 and 1.5 frame pixels a crop pixel)
        CropGeometry model = MODEL.crop();
        CropGeometry twice = new CropGeometry(model.width() * 2, model.height() * 2, model.eyeCenterX(),
                model.eyeCenterY(), model.eyeDistance(), true);
        for (CropGeometry geometry : List.of(model, twice)) {
            for (String name : List.of("astronaut.png", "grace_hopper.jpg")) {
                RgbFrame frame = read(name);
                DetectedFace face = detector.detect(frame).get(0);
                byte[] crop = new FaceCropper(geometry).crop(frame, face).pixels();
                byte[] exact = new FaceCropper(geometry, 0.25).crop(frame, face).pixels();
                double sum = 0;
                int worst = 0;
                for (int i = 0; i < crop.length; i++) {
                    int d = Math.abs((crop[i] & 0xff) - (exact[i] & 0xff));
                    sum += d;
                    worst = Math.max(worst, d);
                }
                assertTrue(sum / crop.length <= 0.5, name + " at " + geometry.width() + ": mean difference "
                        + sum / crop.length);
                assertTrue(worst <= 8, name + " at " + geometry.width() + ": largest difference " + worst);
            }
        }
    }

    @Test
    void aGrayFrameGivesTheSameFacesAndTheLumaOfTheColourCrop() throws Exception {
        // the face stage's path for a model that reads only luma: dlib and the crop on the frame's luma
        FaceCropper cropper = new FaceCropper(MODEL.crop());
        for (String name : List.of("astronaut.png", "grace_hopper.jpg")) {
            RgbFrame frame = read(name);
            GrayFrame gray = GrayFrame.lumaOf(frame);
            List<DetectedFace> faces = detector.detect(frame);
            List<DetectedFace> grayFaces = detector.detect(gray);
            assertEquals(faces.size(), grayFaces.size(), name);
            DetectedFace face = faces.get(0);
            assertEquals(face.x(), grayFaces.get(0).x(), name);
            assertEquals(face.width(), grayFaces.get(0).width(), name);
            assertArrayEquals(face.landmarks(), grayFaces.get(0).landmarks(), name + ": dlib turns RGB to this luma");
            byte[] colourCrop = GrayFrame.lumaOf(cropper.crop(frame, face)).pixels();
            ImageFrame crop = cropper.crop(gray, face);
            assertEquals(1, crop.channels());
            double sum = 0;
            int worst = 0;
            for (int i = 0; i < colourCrop.length; i++) {
                int d = Math.abs((colourCrop[i] & 0xff) - (crop.pixels()[i] & 0xff));
                sum += d;
                worst = Math.max(worst, d);
            }
            // two roundings (crop, luma) in another order: a level at most
            assertTrue(worst <= 1, name + ": largest difference " + worst);
            assertTrue(sum / colourCrop.length < 0.5, name + ": mean difference " + sum / colourCrop.length);
        }
    }

    @Test
    void modelReadsTheSmileOnTheAstronautsCrop() throws Exception {
        RgbFrame frame = read("astronaut.png");
        RgbFrame crop = new FaceCropper(MODEL.crop()).crop(frame, detector.detect(frame).get(0));
        assertEquals(MODEL.width(), crop.width());
        assertEquals(MODEL.height(), crop.height());
        try (OnnxClipClassifier classifier = OnnxClipClassifier.open(MODEL, ScoringOptions.cpu(1, 1))) {
            float[] p = classifier.classify(List.of(Collections.nCopies(MODEL.clipLength(), crop)))[0];
            assertEquals("happy", MODEL.labels().get(OnnxClipClassifier.argmax(p)));
        }
    }

    @Test
    void frameWithoutAFaceYieldsNone() throws Exception {
        RgbFrame frame = read("astronaut.png");
        // the lower right corner: helmet and background, no face
        byte[] pixels = new byte[200 * 200 * 3];
        for (int y = 0; y < 200; y++) {
            System.arraycopy(frame.pixels(), ((312 + y) * frame.width() + 312) * 3, pixels, y * 200 * 3, 200 * 3);
        }
        assertTrue(detector.detect(new RgbFrame(200, 200, pixels)).isEmpty());
        assertTrue(detector.detect(new RgbFrame(320, 240, new byte[320 * 240 * 3])).isEmpty(), "black frame");
    }

    private static RgbFrame read(String name) throws Exception {
        return RgbFrame.of(ImageIO.read(STILLS.resolve(name).toFile()));
    }
}
