package io.emotionstream.model;

import io.emotionstream.image.RgbFrame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxClipClassifierTest {
    private final ModelDescriptor model = ModelDescriptor.load(ProjectPaths.defaultModel());

    @TempDir
    Path temp;

    @Test
    void batchesGiveTheSameProbabilitiesAsSingleClips() {
        List<List<RgbFrame>> clips = randomClips(5);
        try (OnnxClipClassifier single = OnnxClipClassifier.open(model, ScoringOptions.cpu(1, 1));
             OnnxClipClassifier batched = OnnxClipClassifier.open(model, ScoringOptions.cpu(1, 2))) {
            float[][] one = single.classify(clips);
            float[][] many = batched.classify(clips);
            assertEquals(5, many.length);
            for (int i = 0; i < clips.size(); i++) {
                assertArrayEquals(one[i], many[i], 1e-5f, "clip " + i);
                float sum = 0;
                for (float p : many[i]) {
                    assertTrue(p >= 0 && p <= 1, "probability " + p);
                    sum += p;
                }
                assertEquals(1.0, sum, 1e-4);
            }
        }
    }

    @Test
    void cudaRequestFallsBackToCpuWhereCudaCannotRun() {
        try (OnnxClipClassifier classifier = OnnxClipClassifier.open(model,
                new ScoringOptions(ScoringOptions.Device.CUDA, 0, 1, 1))) {
            // the CPU build of ONNX Runtime has no CUDA provider, and this machine no GPU
            assertEquals("CPU", classifier.executionProvider());
            assertEquals(1, classifier.classify(randomClips(1)).length);
        }
    }

    @Test
    void refusesAnUnreadableModelFile() throws Exception {
        Path folder = copyOfModel();
        byte[] garbage = "this is no ONNX model".getBytes();
        Files.write(folder.resolve("model.onnx"), garbage);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(garbage));
        Files.writeString(folder.resolve("model.json"), Files.readString(folder.resolve("model.json"))
                .replace(model.onnxSha256(), sha));
        ModelException e = assertThrows(ModelException.class,
                () -> OnnxClipClassifier.open(ModelDescriptor.load(folder), ScoringOptions.cpu(1, 1)));
        assertTrue(e.getMessage().contains("ONNX Runtime cannot load"), e.getMessage());
    }

    @Test
    void refusesAModelFileOtherThanTheDescribedOne() throws Exception {
        Path folder = copyOfModel();
        byte[] onnx = Files.readAllBytes(folder.resolve("model.onnx"));
        onnx[onnx.length - 1] ^= 1;
        Files.write(folder.resolve("model.onnx"), onnx);
        ModelException e = assertThrows(ModelException.class,
                () -> OnnxClipClassifier.open(ModelDescriptor.load(folder), ScoringOptions.cpu(1, 1)));
        assertTrue(e.getMessage().contains("is not the ONNX file that " + model.name())
                && e.getMessage().contains(model.onnxSha256()), e.getMessage());
    }

    @Test
    void refusesAMissingModelFile() throws Exception {
        Path folder = copyOfModel();
        Files.delete(folder.resolve("model.onnx"));
        ModelException e = assertThrows(ModelException.class,
                () -> OnnxClipClassifier.open(ModelDescriptor.load(folder), ScoringOptions.cpu(1, 1)));
        assertTrue(e.getMessage().contains("cannot read ONNX model"), e.getMessage());
    }

    @Test
    void refusesAModelWhoseInputDisagreesWithItsDescriptor() throws Exception {
        Path folder = copyOfModel();
        String json = Files.readString(folder.resolve("model.json")).replace("\"name\" : \"clips\"", "\"name\" : \"frames\"")
                .replace("\"name\": \"clips\"", "\"name\": \"frames\"");
        Files.writeString(folder.resolve("model.json"), json);
        ModelException e = assertThrows(ModelException.class,
                () -> OnnxClipClassifier.open(ModelDescriptor.load(folder), ScoringOptions.cpu(1, 1)));
        assertTrue(e.getMessage().contains("has no input 'frames'"), e.getMessage());
    }

    private Path copyOfModel() throws Exception {
        Path folder = Files.createDirectory(temp.resolve("model"));
        for (String name : new String[] {"model.json", "model.onnx"}) {
            Files.copy(model.directory().resolve(name), folder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        return folder;
    }

    private List<List<RgbFrame>> randomClips(int count) {
        Random random = new Random(3);
        List<List<RgbFrame>> clips = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            byte[] pixels = new byte[model.width() * model.height() * 3];
            random.nextBytes(pixels);
            clips.add(Collections.nCopies(model.clipLength(), new RgbFrame(model.width(), model.height(), pixels)));
        }
        return clips;
    }
}
