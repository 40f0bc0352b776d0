package io.emotionstream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.ingest.FrameEncoder;
import io.emotionstream.job.ClipSettings;
import io.emotionstream.job.EmotionEventSerializer;
import io.emotionstream.evaluation.InMemorySink;
import io.emotionstream.job.EmotionJob;
import io.emotionstream.job.FaceEmotion;
import io.emotionstream.job.FaceFinder;
import io.emotionstream.job.FaceTracker;
import io.emotionstream.job.FaceStageSettings;
import io.emotionstream.job.FaceTracks;
import io.emotionstream.job.FrameLimits;
import io.emotionstream.job.FrameRecordDeserializer;
import io.emotionstream.job.KafkaFrameRecord;
import io.emotionstream.job.PipelineSettings;
import io.emotionstream.job.Rejection;
import io.emotionstream.job.ScorerSettings;
import io.emotionstream.job.SmoothingSettings;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.model.ScoringOptions;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.SingleObject;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two people in one camera's view: the two shared photographs side by side in one 1024x600 frame, sent as a camera's
 * stream. Each face gets its own track, kept on every frame, and its own clips, scored and written as events that name
 * the track, its box and the two faces in view.
 */
class TwoFacesTest {
    private static final Path STILLS = ProjectPaths.sharedData().resolve("stills");
    private static final int HALF = 512;
    private static List<KafkaFrameRecord> frames;

    @BeforeAll
    static void twoFacesSideBySide() throws Exception {
        assumeTrue(Files.isDirectory(STILLS), "needs ../shared/data: the stills not found at " + STILLS);
        BufferedImage left = ImageIO.read(STILLS.resolve("astronaut.png").toFile());
        BufferedImage right = ImageIO.read(STILLS.resolve("grace_hopper.jpg").toFile());
        BufferedImage both = new BufferedImage(2 * HALF, 600, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = both.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, both.getWidth(), both.getHeight());
        g.drawImage(left, 0, 44, null);
        g.drawImage(right, HALF, 0, null);
        g.dispose();
        FrameEncoder encoder = new FrameEncoder(90, both.getWidth());
        FrameRecordDeserializer deserializer = new FrameRecordDeserializer(FrameLimits.defaults());
        frames = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            long time = 1_000_000L + 40L * i;
            frames.add(deserializer.read("frames", 0, i, time, "room".getBytes(),
                    SingleObject.encode(encoder.encode("room", i, time, both))));
        }
    }

    @Test
    void eachFaceKeepsItsOwnTrackAndTheCapKeepsTheLargest() throws Exception {
        ModelDescriptor model = ModelDescriptor.load(ProjectPaths.defaultModel());
        FaceStageSettings defaults = FaceStageSettings.defaults(DlibFaceDetector.DEBIAN_LANDMARK_MODEL.toString(),
                FaceStageSettings.DEFAULT_KEYFRAME_INTERVAL);
        try (FaceFinder finder = new FaceFinder(model, defaults)) {
            FaceTracks camera = new FaceTracks();
            Map<Integer, Boolean> onTheLeft = new TreeMap<>();
            for (KafkaFrameRecord record : frames.subList(0, 25)) {
                List<FaceTracker.TrackedFace> faces = finder.locate(finder.decode(record), camera);
                assertEquals(List.of(1, 2), faces.stream().map(FaceTracker.TrackedFace::track).toList(),
                        "frame " + record.sequence);
                for (FaceTracker.TrackedFace f : faces) {
                    boolean left = f.face().x() + f.face().width() / 2 < HALF;
                    assertEquals(onTheLeft.computeIfAbsent(f.track(), t -> left), left, "track " + f.track()
                            + " stays on its face");
                }
            }
            assertEquals(2, onTheLeft.size());
            assertTrue(onTheLeft.containsValue(true) && onTheLeft.containsValue(false), "one face on each side");
        }
        FaceStageSettings one = new FaceStageSettings(defaults.landmarkModel(), 0, 0.2, defaults.keyframeInterval(),
                defaults.trackMargin(), defaults.keyframeShrink(), defaults.minSimilarity(), defaults.fullKeyframeEvery(), 1);
        try (FaceFinder finder = new FaceFinder(model, one)) {
            FaceTracks camera = new FaceTracks();
            for (KafkaFrameRecord record : frames.subList(0, 12)) {
                List<FaceTracker.TrackedFace> faces = finder.locate(finder.decode(record), camera);
                assertEquals(1, faces.size(), "at most one face");
                assertEquals(1, faces.get(0).track());
            }
        }
    }

    @Test
    void eachFaceHasItsOwnClipsAndEvents() throws Exception {
        PipelineSettings settings = new PipelineSettings(ModelDescriptor.load(ProjectPaths.defaultModel()),
                FaceStageSettings.defaults(DlibFaceDetector.DEBIAN_LANDMARK_MODEL.toString(),
                        FaceStageSettings.DEFAULT_KEYFRAME_INTERVAL),
                ClipSettings.defaults(30), new ScorerSettings(ScoringOptions.cpu(1, 2), 100),
                SmoothingSettings.defaults());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        List<FaceEmotion> scored;
        try (InMemorySink<FaceEmotion> clips = new InMemorySink<>();
             InMemorySink<Rejection> rejections = new InMemorySink<>()) {
            EmotionJob.defineWorkflow(env.fromData(frames), clips, rejections, settings);
            env.execute("two-faces");
            scored = new ArrayList<>(clips.received());
            assertTrue(rejections.received().isEmpty(), rejections.received().toString());
        }
        scored.sort(Comparator.comparingInt(s -> s.clip.faceTrack));
        assertEquals(2, scored.size(), "one clip per face: " + scored);
        EmotionEventSerializer serializer = new EmotionEventSerializer("events");
        for (int i = 0; i < 2; i++) {
            EmotionEvent event = EmotionEvent.fromByteBuffer(ByteBuffer.wrap(
                    serializer.serialize(scored.get(i), null, null).value()));
            assertEquals("room", event.getCameraId());
            assertEquals(i + 1, event.getFaceTrack());
            assertEquals(2, event.getFacesInView());
            int[] read = settings.model().frameIndices();
            assertEquals(read[0], event.getFirstSequence(), "from the first frame the model reads");
            assertEquals(29, event.getLastSequence());
            assertEquals(read.length, event.getFramesUsed(), "each frame the model reads has both faces");
            assertTrue(event.getFaceBox() != null && event.getFaceBox().getWidth() > 80, "face box");
        }
        boolean firstLeft = scored.get(0).clip.faceX < HALF;
        boolean secondLeft = scored.get(1).clip.faceX < HALF;
        assertTrue(firstLeft != secondLeft, "the two events are of the two faces: " + scored.get(0).clip.faceX + ", "
                + scored.get(1).clip.faceX);
    }
}
