package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClipPreprocessorTest {
    private final ModelDescriptor model = ModelDescriptor.load(ProjectPaths.defaultModel());
    private final ClipPreprocessor preprocessor = new ClipPreprocessor(model);

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
    void grayWeightsFollowTheDescriptor() {
        float[] values = preprocessor.preprocess(Collections.nCopies(model.clipLength(), frame(255, 0, 0)));
        ModelDescriptor.Channel gray = model.channels().get(0);
        assertEquals((0.299f - gray.mean()) / gray.std(), value(values, 0, 5, 5, 0), 1e-5);
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
