package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The model contract: the Java preprocessing reproduces the tensor that PyTorch made from the same raw crops, and
 * ONNX Runtime reproduces PyTorch's probabilities, within the tolerances the fixture states.
 */
class FixtureParityTest {
    private static final Path COMPACT = ProjectPaths.defaultModel();
    private static final Path SEED = ProjectPaths.models().resolve("seed-3dcnn");

    @Test
    void compactPreprocessingMatchesTraining() throws Exception {
        checkPreprocessing(ModelDescriptor.load(COMPACT));
    }

    @Test
    void compactOnnxRuntimeMatchesPyTorch() throws Exception {
        checkScores(ModelDescriptor.load(COMPACT), 2);
    }

    @Test
    void seedModelMatchesWhenExported() throws Exception {
        assumeTrue(Files.exists(SEED.resolve("model.onnx")),
                "seed-3dcnn/model.onnx not generated (models/README.md: emotion_models.export seed)");
        ModelDescriptor seed = ModelDescriptor.load(SEED);
        checkPreprocessing(seed);
        checkScores(seed, 3);
    }

    private static void checkPreprocessing(ModelDescriptor model) throws Exception {
        Fixture fixture = new Fixture(model);
        ClipPreprocessor preprocessor = new ClipPreprocessor(model);
        int per = model.valuesPerClip();
        assertEquals(fixture.clips.size() * per, fixture.input.length);
        for (int c = 0; c < fixture.clips.size(); c++) {
            float[] actual = preprocessor.preprocess(fixture.clips.get(c));
            double worst = 0;
            for (int i = 0; i < per; i++) {
                worst = Math.max(worst, Math.abs(actual[i] - fixture.input[c * per + i]));
            }
            assertTrue(worst <= fixture.inputTolerance,
                    "clip " + c + ": largest difference to the training preprocessing " + worst);
        }
    }

    private static void checkScores(ModelDescriptor model, int maxBatch) throws Exception {
        Fixture fixture = new Fixture(model);
        try (OnnxClipClassifier classifier = OnnxClipClassifier.open(model, ScoringOptions.cpu(2, maxBatch))) {
            float[][] fromFrames = classifier.classify(fixture.clips);
            assertEquals(fixture.probabilities.length, fromFrames.length);
            for (int c = 0; c < fromFrames.length; c++) {
                assertArrayEquals(fixture.probabilities[c], fromFrames[c], (float) fixture.probabilityTolerance,
                        "clip " + c + " scored from raw crops");
            }
            int per = model.valuesPerClip();
            for (int c = 0; c < fixture.probabilities.length; c++) {
                float[] one = java.util.Arrays.copyOfRange(fixture.input, c * per, (c + 1) * per);
                assertArrayEquals(fixture.probabilities[c], classifier.classifyPreprocessed(one, 1)[0],
                        (float) fixture.probabilityTolerance, "clip " + c + " scored from PyTorch's tensor");
            }
        }
    }
}
