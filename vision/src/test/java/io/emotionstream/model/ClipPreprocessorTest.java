package io.emotionstream.model;

import io.emotionstream.image.GrayFrame;
import io.emotionstream.image.RgbFrame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java preprocessing against what the descriptor declares; the committed model's fixtures check it against
 * PyTorch ({@link FixtureParityTest}). Both gray operations are checked, whichever the committed model uses.
 */
class ClipPreprocessorTest {
    private final ModelDescriptor model = ModelDescriptor.load(ProjectPaths.defaultModel());
    private final ClipPreprocessor preprocessor = new ClipPreprocessor(model);

    @TempDir
    Path temp;

    @Test
    void uniformFrameGivesItsGrayAndNoEdges() {
        float[] values = preprocessor.preprocess(Collections.nCopies(model.clipLength(), frame(51, 51, 51)));
        List<ModelDescriptor.Channel> channels = model.channels();
        float gray = 51 / 255f;
        for (int t = 0; t < model.frames(); t++) {
            assertEquals((gray - channels.get(0).mean()) / channels.get(0).std(), value(values, t, 10, 20, 0), 1e-5);
            assertEquals((gray - channels.get(1).mean()) / channels.get(1).std(), value(values, t, 47, 0, 1), 1e-5);
            assertEquals((0 - channels.get(2).mean()) / channels.get(2).std(), value(values, t, 0, 47, 2), 1e-5);
        }
    }

    @Test
    void grayWeightsFollowTheDescriptor() throws Exception {
        ModelDescriptor plain = withGrayStep(plainGray());
        float[] values = new ClipPreprocessor(plain).preprocess(Collections.nCopies(plain.clipLength(), frame(255, 0, 0)));
        ModelDescriptor.Channel gray = plain.channels().get(0);
        assertEquals((0.299f - gray.mean()) / gray.std(), value(values, 0, 5, 5, 0), 1e-5);
    }

    @Test
    void equalisationSpreadsTheCropsLevelsWhateverTheExposure() throws Exception {
        ModelDescriptor equalized = withGrayStep(equalizedGray());
        ClipPreprocessor pre = new ClipPreprocessor(equalized);
        ModelDescriptor.Channel gray = equalized.channels().get(0);
        // a dim crop: left half luma 20, right half 40; and the same crop brighter and with more contrast
        float[] dim = pre.preprocess(Collections.nCopies(equalized.clipLength(), halves(20, 40)));
        float[] bright = pre.preprocess(Collections.nCopies(equalized.clipLength(), halves(90, 200)));
        // cdf: 1152 pixels at the lower level (cdf_min), all 2304 at the upper: 0 and 1
        assertEquals((0 - gray.mean()) / gray.std(), value(dim, 0, 10, 5, 0), 1e-5);
        assertEquals((1 - gray.mean()) / gray.std(), value(dim, 0, 10, 40, 0), 1e-5);
        assertArrayEquals(dim, bright, 1e-6f);
        // luma is integer arithmetic: (299 * 255 + 500) / 1000 = 76 for pure red; one level alone keeps level / 255
        float[] red = pre.preprocess(Collections.nCopies(equalized.clipLength(), frame(255, 0, 0)));
        assertEquals((76 / 255f - gray.mean()) / gray.std(), value(red, 0, 5, 5, 0), 1e-6);
    }

    @Test
    void equalisationFollowsTheCumulativeHistogram() throws Exception {
        ModelDescriptor equalized = withGrayStep(equalizedGray());
        ModelDescriptor.Channel gray = equalized.channels().get(0);
        byte[] pixels = new byte[48 * 48 * 3];
        for (int i = 0; i < 48 * 48; i++) {
            int level = i < 48 * 48 / 4 ? 10 : i < 48 * 48 / 2 ? 20 : 30; // a quarter, a quarter, a half
            Arrays.fill(pixels, 3 * i, 3 * i + 3, (byte) level);
        }
        float[] values = new ClipPreprocessor(equalized).preprocess(
                Collections.nCopies(equalized.clipLength(), new RgbFrame(48, 48, pixels)));
        // cdf_min 576 of 2304: (1152 - 576) / (2304 - 576) = 1/3 for level 20
        assertEquals((1f / 3 - gray.mean()) / gray.std(), value(values, 0, 15, 0, 0), 1e-6);
        assertEquals((1 - gray.mean()) / gray.std(), value(values, 0, 40, 0, 0), 1e-6);
    }

    @Test
    void refusesEqualisationWeightsThatAreNotPerMille() throws Exception {
        ObjectNode step = equalizedGray();
        ((ArrayNode) step.get("weights_rgb_per_mille")).set(0, 300);
        ModelException e = assertThrows(ModelException.class, () -> new ClipPreprocessor(withGrayStep(step)));
        assertTrue(e.getMessage().contains("sum to 1000"), e.getMessage());
    }

    private static ObjectNode plainGray() {
        ObjectNode step = new ObjectMapper().createObjectNode().put("name", "gray").put("op", "grayscale")
                .put("scale", 1 / 255.0);
        step.putArray("weights_rgb").add(0.299).add(0.587).add(0.114);
        return step;
    }

    private static ObjectNode equalizedGray() {
        ObjectNode step = new ObjectMapper().createObjectNode().put("name", "gray").put("op", "equalized_grayscale");
        step.putArray("weights_rgb_per_mille").add(299).add(587).add(114);
        return step;
    }

    /** The committed descriptor with its first (gray) step replaced. */
    private ModelDescriptor withGrayStep(ObjectNode step) throws Exception {
        ObjectNode d = (ObjectNode) new ObjectMapper().readTree(ProjectPaths.defaultModel().resolve("model.json").toFile());
        ((ArrayNode) d.at("/preprocessing/steps")).set(0, step);
        d.put("onnx", ProjectPaths.defaultModel().resolve("model.onnx").toString());
        Path file = Files.createTempFile(temp, "model", ".json");
        new ObjectMapper().writeValue(file.toFile(), d);
        return ModelDescriptor.load(file);
    }

    private static RgbFrame halves(int left, int right) {
        byte[] pixels = new byte[48 * 48 * 3];
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 48; x++) {
                Arrays.fill(pixels, (y * 48 + x) * 3, (y * 48 + x) * 3 + 3, (byte) (x < 24 ? left : right));
            }
        }
        return new RgbFrame(48, 48, pixels);
    }

    @Test
    void takesTheDeclaredFramesInOrder() {
        int[] indices = model.frameIndices();
        List<RgbFrame> clip = new ArrayList<>(Collections.nCopies(model.clipLength(), frame(0, 0, 0)));
        int whiteFrame = indices.length - 1;
        clip.set(indices[whiteFrame], frame(255, 255, 255));
        float[] values = preprocessor.preprocess(clip);
        ModelDescriptor.Channel gray = model.channels().get(0);
        float black = (0 - gray.mean()) / gray.std();
        float white = (1 - gray.mean()) / gray.std();
        for (int t = 0; t < indices.length; t++) {
            assertEquals(t == whiteFrame ? white : black, value(values, t, 24, 24, 0), 1e-5, "frame " + t);
        }
    }

    @Test
    void verticalEdgeShowsInTheSobelChannelOnly() {
        byte[] pixels = new byte[48 * 48 * 3];
        for (int y = 0; y < 48; y++) {
            Arrays.fill(pixels, (y * 48 + 24) * 3, (y * 48 + 48) * 3, (byte) 255);
        }
        float[] values = preprocessor.preprocess(Collections.nCopies(model.clipLength(), new RgbFrame(48, 48, pixels)));
        ModelDescriptor.Channel sobel = model.channels().get(2);
        float flat = (0 - sobel.mean()) / sobel.std();
        assertEquals(flat, value(values, 0, 20, 2, 2), 1e-5, "far from the edge");
        assertTrue(value(values, 0, 20, 24, 2) > flat + 1, "at the edge");
        assertEquals(value(values, 0, 10, 23, 2), value(values, 0, 30, 23, 2), 1e-6, "the same down the edge");
    }

    @Test
    void refusesClipsOfTheWrongShape() {
        ModelException length = assertThrows(ModelException.class,
                () -> preprocessor.preprocess(Collections.nCopies(5, frame(0, 0, 0))));
        assertTrue(length.getMessage().contains("clips of 30 frames"), length.getMessage());
        RgbFrame big = new RgbFrame(64, 64, new byte[64 * 64 * 3]);
        ModelException size = assertThrows(ModelException.class,
                () -> preprocessor.preprocess(Collections.nCopies(model.clipLength(), big)));
        assertTrue(size.getMessage().contains("takes 48x48 face crops"), size.getMessage());
    }

    @Test
    void grayCropsGiveTheValuesOfTheirLumaAsRgb() throws Exception {
        // a clip of varied colour crops; its gray twin (each crop's luma); and the luma written as R = G = B
        java.util.Random random = new java.util.Random(5);
        List<RgbFrame> colour = new ArrayList<>();
        for (int f = 0; f < model.clipLength(); f++) {
            byte[] pixels = new byte[48 * 48 * 3];
            random.nextBytes(pixels);
            colour.add(new RgbFrame(48, 48, pixels));
        }
        List<GrayFrame> gray = colour.stream().map(GrayFrame::lumaOf).toList();
        List<RgbFrame> lumaAsRgb = gray.stream().map(ClipPreprocessorTest::asRgb).toList();
        for (ModelDescriptor m : List.of(model, withGrayStep(equalizedGray()), withGrayStep(plainGray()))) {
            assertTrue(m.readsLumaOnly());
            ClipPreprocessor pre = new ClipPreprocessor(m);
            float[] fromGray = pre.preprocess(gray);
            assertArrayEquals(pre.preprocess(lumaAsRgb), fromGray);
            if (m.steps().get(0) instanceof PreprocessingStep.EqualizedGrayscale) {
                // equalisation reads 8-bit luma: the colour crops give the very same values
                assertArrayEquals(pre.preprocess(colour), fromGray);
            }
        }
    }

    @Test
    void aModelThatWeighsColourOtherwiseRefusesGrayCrops() throws Exception {
        ObjectNode step = plainGray();
        step.putArray("weights_rgb").add(0.5).add(0.25).add(0.25);
        ModelDescriptor colour = withGrayStep(step);
        assertTrue(!colour.readsLumaOnly());
        GrayFrame gray = new GrayFrame(48, 48, new byte[48 * 48]);
        ModelException e = assertThrows(ModelException.class,
                () -> new ClipPreprocessor(colour).preprocess(Collections.nCopies(colour.clipLength(), gray)));
        assertTrue(e.getMessage().contains("takes RGB face crops"), e.getMessage());
    }

    private static RgbFrame asRgb(GrayFrame gray) {
        byte[] rgb = new byte[gray.pixels().length * 3];
        for (int i = 0; i < gray.pixels().length; i++) {
            Arrays.fill(rgb, 3 * i, 3 * i + 3, gray.pixels()[i]);
        }
        return new RgbFrame(gray.width(), gray.height(), rgb);
    }

    @Test
    void resizeKeepsUniformColourAndSize() {
        RgbFrame resized = frame(10, 200, 30).resize(20, 30);
        assertEquals(20, resized.width());
        assertEquals(30, resized.height());
        assertEquals(200, resized.pixels()[3 * 77 + 1] & 0xff);
    }

    private float value(float[] values, int t, int y, int x, int c) {
        return values[model.layout().index(0, t, y, x, c, model.frames(), model.height(), model.width(), model.channelCount())];
    }

    private RgbFrame frame(int r, int g, int b) {
        byte[] pixels = new byte[model.width() * model.height() * 3];
        for (int i = 0; i < pixels.length; i += 3) {
            pixels[i] = (byte) r;
            pixels[i + 1] = (byte) g;
            pixels[i + 2] = (byte) b;
        }
        return new RgbFrame(model.width(), model.height(), pixels);
    }
}
