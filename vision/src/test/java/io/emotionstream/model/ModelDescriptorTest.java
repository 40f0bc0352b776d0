package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDescriptorTest {
    @TempDir
    Path temp;

    @Test
    void loadsTheCommittedCompactModel() {
        ModelDescriptor model = ModelDescriptor.load(ProjectPaths.defaultModel());
        assertEquals("compact-r2plus1d", model.name());
        assertEquals(List.of("neutral", "happy", "sad", "angry", "surprised"), model.labels());
        assertEquals(TensorLayout.NTHWC, model.layout());
        assertEquals(30, model.clipLength());
        assertEquals(model.frames(), model.frameIndices().length);
        assertEquals(3, model.channelCount());
        assertEquals(model.width(), model.crop().width());
        assertTrue(Files.isRegularFile(model.onnxFile()), "ONNX file committed beside the descriptor");
        model.verifyOnnxFile();
        assertEquals(new PreprocessingStep.EqualizedGrayscale("gray", 299, 587, 114), model.steps().get(0));
        assertEquals(new PreprocessingStep.GaussianBlur("blurred_gray", "gray", 5, 1.0), model.steps().get(1));
    }

    @Test
    void travelsAsOneSerializedValue() throws Exception {
        ModelDescriptor model = ModelDescriptor.load(ProjectPaths.defaultModel());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(model);
        }
        ModelDescriptor copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ModelDescriptor) in.readObject();
        }
        assertEquals(model.directory(), copy.directory());
        assertEquals(model.version(), copy.version());
        assertEquals(model.steps(), copy.steps());
        assertEquals(model.crop(), copy.crop());
        assertEquals(model.minConfidence(), copy.minConfidence());
    }

    @Test
    void refusesAMissingDescriptor() {
        ModelException e = assertThrows(ModelException.class, () -> ModelDescriptor.load(temp.resolve("nothing")));
        assertTrue(e.getMessage().contains("cannot read model descriptor"), e.getMessage());
    }

    @Test
    void refusesInvalidJson() throws Exception {
        Files.writeString(temp.resolve("model.json"), "{ not json");
        ModelException e = assertThrows(ModelException.class, () -> ModelDescriptor.load(temp));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void refusesInconsistentContracts() throws Exception {
        expectInvalid(d -> ((ObjectNode) d.get("input")).put("layout", "NHWC"), "is not one of NTHWC, NCTHW");
        expectInvalid(d -> ((ArrayNode) d.at("/clip/frame_indices")).set(0, 99), "outside a clip of 30 frames");
        expectInvalid(d -> ((ArrayNode) d.at("/preprocessing/channels")).remove(2), "declares 2 channels");
        expectInvalid(d -> ((ObjectNode) d.at("/preprocessing/steps/1")).put("of", "color"), "which no earlier step makes");
        expectInvalid(d -> ((ObjectNode) d.at("/preprocessing/channels/0")).put("std", 0), "must be > 0");
        expectInvalid(d -> ((ArrayNode) d.get("labels")).add("happy"), "without repeats");
        expectInvalid(d -> ((ObjectNode) d.get("crop")).put("width", 64), "crop is 64x48");
        expectInvalid(d -> d.remove("input"), "missing object 'input'");
        expectInvalid(d -> d.putObject("decision").put("min_confidence", 1.5), "min_confidence must be a number from 0 to 1");
        expectInvalid(d -> d.putObject("decision").put("min_confidence", "high"), "min_confidence must be a number");
        expectInvalid(d -> d.put("onnx_sha256", "not a digest"), "onnx_sha256 must be 64 hex digits");
        expectInvalid(d -> d.remove("onnx_sha256"), "missing text field 'onnx_sha256'");
        expectInvalid(d -> ((ObjectNode) d.at("/preprocessing/steps/1")).put("op", "median"), "unknown op 'median'");
        expectInvalid(d -> ((ObjectNode) d.at("/preprocessing/steps/1")).put("kernel_size", 4), "odd kernel_size");
        expectInvalid(d -> ((ObjectNode) d.at("/preprocessing/steps/2")).remove("of"), "must say which plane it reads");
        // bound strictly: a value of the wrong kind is named by its path
        expectInvalid(d -> ((ObjectNode) d.get("clip")).put("length", "30"), "clip.length must be an integer");
        expectInvalid(d -> ((ArrayNode) d.at("/clip/frame_indices")).set(0, 7.5), "clip.frame_indices[0] must be an integer");
        expectInvalid(d -> ((ArrayNode) d.get("labels")).set(0, 1), "labels[0] must be text");
        expectInvalid(d -> ((ObjectNode) d.at("/crop")).put("eye_distance", "wide"), "crop.eye_distance must be a number");
    }

    @Test
    void anOutcomeIsConfidentFromTheDeclaredThresholdOn() throws Exception {
        ObjectNode d = committed();
        d.putObject("decision").put("min_confidence", 0.5);
        ModelDescriptor model = ModelDescriptor.load(write(d));
        assertEquals(0.5f, model.minConfidence());
        ClipOutcome sure = model.outcome(new float[] {0.1f, 0.5f, 0.2f, 0.1f, 0.1f});
        assertEquals(1, sure.labelIndex());
        assertEquals("happy", sure.label());
        assertEquals(0.5f, sure.confidence());
        assertTrue(sure.confident());
        ClipOutcome unsure = model.outcome(new float[] {0.3f, 0.1f, 0.45f, 0.1f, 0.05f});
        assertEquals("sad", unsure.label());
        assertTrue(!unsure.confident());
        assertThrows(ModelException.class, () -> model.outcome(new float[] {1f}));

        d.remove("decision");
        assertEquals(0f, ModelDescriptor.load(write(d)).minConfidence(), "no threshold declared: every clip is confident");
    }

    @Test
    void readsChannelsFirstLayout() throws Exception {
        ObjectNode d = committed();
        int frames = d.at("/clip/frame_indices").size();
        ((ObjectNode) d.get("input")).put("layout", "NCTHW").set("shape",
                new ObjectMapper().valueToTree(new int[] {-1, 3, frames, 48, 48}));
        ModelDescriptor model = ModelDescriptor.load(write(d));
        assertEquals(TensorLayout.NCTHW, model.layout());
        assertEquals(frames, model.frames());
        assertEquals(3, model.channelCount());
        assertArrayEquals(new long[] {2, 3, frames, 48, 48}, model.layout().shape(2, frames, 48, 48, 3));
    }

    private void expectInvalid(Consumer<ObjectNode> change, String message) throws Exception {
        ObjectNode d = committed();
        change.accept(d);
        Path file = write(d);
        ModelException e = assertThrows(ModelException.class, () -> ModelDescriptor.load(file));
        assertTrue(e.getMessage().contains(message), "expected '" + message + "' in: " + e.getMessage());
    }

    private static ObjectNode committed() throws Exception {
        return (ObjectNode) new ObjectMapper().readTree(ProjectPaths.defaultModel().resolve("model.json").toFile());
    }

    private Path write(ObjectNode descriptor) throws Exception {
        Path file = Files.createTempFile(temp, "model", ".json");
        new ObjectMapper().writeValue(file.toFile(), descriptor);
        return file;
    }
}
