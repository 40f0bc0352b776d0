package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.model.ScoringOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ClipScorer on the model's fixture clips: micro-batches, flushes on time and before checkpoints, PyTorch's scores. */
class ClipScorerTest {
    private static final Path MODEL = ProjectPaths.defaultModel();
    private OneInputStreamOperatorTestHarness<FaceClip, ScoredClip> harness;
    private FaceClip[] clips;
    private float[][] expected;

    @BeforeEach
    void open() throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(
                new ClipScorer(ModelDescriptor.load(MODEL), new ScorerSettings(ScoringOptions.cpu(1, 2), 100)));
        harness.setProcessingTime(0);
        harness.open();
        JsonNode fixture = new ObjectMapper().readTree(MODEL.resolve("fixtures/fixture.json").toFile());
        byte[] raw = Files.readAllBytes(MODEL.resolve("fixtures/clips.u8"));
        int n = fixture.at("/clips_shape/0").asInt();
        int per = raw.length / n;
        clips = new FaceClip[n];
        expected = new float[n][];
        for (int c = 0; c < n; c++) {
            FaceClip clip = new FaceClip();
            clip.cameraId = "cam" + c;
            clip.frameCount = 30;
            clip.positions = java.util.stream.IntStream.range(0, 30).toArray();
            clip.cropWidth = 48;
            clip.cropHeight = 48;
            clip.cropChannels = 3;
            clip.framesWithFace = 30;
            clip.firstSequence = 30L * c;
            clip.lastSequence = 30L * c + 29;
            clip.endTimeMillis = System.currentTimeMillis();
            clip.crops = Arrays.copyOfRange(raw, c * per, (c + 1) * per);
            clips[c] = clip;
            JsonNode row = fixture.at("/probabilities/" + c);
            expected[c] = new float[row.size()];
            for (int j = 0; j < row.size(); j++) {
                expected[c][j] = (float) row.get(j).asDouble();
            }
        }
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void scoresFullBatchesAtOnceAndTheRestWhenTheyHaveWaitedLongEnough() throws Exception {
        for (FaceClip clip : clips) {
            harness.processElement(new StreamRecord<>(clip, clip.endTimeMillis));
        }
        assertEquals(2, harness.extractOutputValues().size(), "a full batch of 2 is scored at once");
        harness.setProcessingTime(99);
        assertEquals(2, harness.extractOutputValues().size());
        harness.setProcessingTime(100);
        List<ScoredClip> scored = harness.extractOutputValues();
        assertEquals(3, scored.size(), "the third clip after waiting 100 ms");
        for (int c = 0; c < clips.length; c++) {
            ScoredClip s = scored.get(c);
            assertEquals("cam" + c, s.cameraId);
            assertArrayEquals(expected[c], s.probabilities, 1e-4f);
            assertEquals(s.labels[argmax(expected[c])], s.label);
            assertEquals("compact-r2plus1d", s.modelName);
        }
    }

    @Test
    void aFullBatchDisarmsItsTimerSoTheNextBatchWaitsItsFullDelay() throws Exception {
        harness.processElement(new StreamRecord<>(clips[0], clips[0].endTimeMillis));
        harness.setProcessingTime(50);
        harness.processElement(new StreamRecord<>(clips[1], clips[1].endTimeMillis));
        assertEquals(2, harness.extractOutputValues().size(), "a full batch of 2 is scored at once");
        harness.setProcessingTime(90);
        harness.processElement(new StreamRecord<>(clips[2], clips[2].endTimeMillis));
        harness.setProcessingTime(100);
        assertEquals(2, harness.extractOutputValues().size(), "the first batch's timer must not flush the next one");
        harness.setProcessingTime(189);
        assertEquals(2, harness.extractOutputValues().size());
        harness.setProcessingTime(190);
        assertEquals(3, harness.extractOutputValues().size(), "the third clip after waiting its own 100 ms");
    }

    @Test
    void flushesBeforeACheckpointBarrier() throws Exception {
        harness.processElement(new StreamRecord<>(clips[0], clips[0].endTimeMillis));
        assertEquals(0, harness.extractOutputValues().size());
        harness.prepareSnapshotPreBarrier(1);
        assertEquals(1, harness.extractOutputValues().size());
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
