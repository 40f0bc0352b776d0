package io.emotionstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The contract of a model in {@code models/<name>/model.json}: its ONNX file, input tensor, labels in order, which
 * frames of a clip it takes, the preprocessing that turns RGB face crops into its input channels, and the crop
 * geometry that turns a detected face into such a crop. Loading validates everything that later code relies on.
 * It is serializable (as its folder and JSON text, checked again when read), so a job can load it once and hand the
 * same descriptor to every operator.
 */
public final class ModelDescriptor implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The file name of a descriptor inside a model folder. */
    public static final String FILE_NAME = "model.json";

    /** An input channel: the plane of a step, standardised as (value - mean) / std. */
    public record Channel(String name, String from, float mean, float std) {}

    /**
     * How a face becomes a crop: the crop is {@code width x height} pixels; after rotating the face so that the
     * eyes are level, the midpoint between the eyes lands at ({@code eyeCenterX * width}, {@code eyeCenterY *
     * height}) and the eyes are {@code eyeDistance * width} apart.
     */
    public record CropGeometry(int width, int height, double eyeCenterX, double eyeCenterY, double eyeDistance,
                               boolean levelEyes) {}

    private final Path directory;
    private final JsonNode json;
    private final String name;
    private final String version;
    private final Path onnxFile;
    private final String onnxSha256;
    private final String inputName;
    private final String outputName;
    private final TensorLayout layout;
    private final int frames;
    private final int height;
    private final int width;
    private final int channelCount;
    private final List<String> labels;
    private final int clipLength;
    private final int[] frameIndices;
    private final List<PreprocessingStep> steps;
    private final List<Channel> channels;
    private final CropGeometry crop;
    private final float minConfidence;

    private ModelDescriptor(Path directory, JsonNode json) {
        this.directory = directory;
        this.json = json;
        this.name = text(json, "name");
        this.version = text(json, "version");
        this.onnxFile = directory.resolve(text(json, "onnx")).normalize();
        this.onnxSha256 = text(json, "onnx_sha256").toLowerCase(Locale.ROOT);
        if (!onnxSha256.matches("[0-9a-f]{64}")) {
            throw invalid("onnx_sha256 must be 64 hex digits, found '" + onnxSha256 + "'");
        }

        JsonNode input = node(json, "input");
        this.inputName = text(input, "name");
        this.layout = parseLayout(text(input, "layout"));
        if (!"float32".equals(text(input, "type"))) {
            throw invalid("input.type must be float32, found " + text(input, "type"));
        }
        int[] shape = ints(input, "shape");
        if (shape.length != 5) {
            throw invalid("input.shape must have 5 dimensions (" + layout + "), found " + shape.length);
        }
        if (shape[0] != -1 && shape[0] < 1) {
            throw invalid("input.shape[0] is the batch: -1 (any) or positive, found " + shape[0]);
        }
        boolean last = layout == TensorLayout.NTHWC;
        this.frames = positive(shape[last ? 1 : 2], "input frames");
        this.height = positive(shape[last ? 2 : 3], "input height");
        this.width = positive(shape[last ? 3 : 4], "input width");
        this.channelCount = positive(shape[last ? 4 : 1], "input channels");
        this.outputName = text(node(json, "output"), "name");

        this.labels = new ArrayList<>();
        for (JsonNode label : array(json, "labels")) {
            labels.add(label.asText());
        }
        if (labels.isEmpty() || new HashSet<>(labels).size() != labels.size()) {
            throw invalid("labels must be a non-empty list without repeats, found " + labels);
        }

        JsonNode clip = node(json, "clip");
        this.clipLength = positive(clip.path("length").asInt(0), "clip.length");
        this.frameIndices = ints(clip, "frame_indices");
        if (frameIndices.length != frames) {
            throw invalid("clip.frame_indices names " + frameIndices.length + " frames but the input takes " + frames);
        }
        for (int index : frameIndices) {
            if (index < 0 || index >= clipLength) {
                throw invalid("clip.frame_indices holds " + index + ", outside a clip of " + clipLength + " frames");
            }
        }

        JsonNode preprocessing = node(json, "preprocessing");
        this.steps = new ArrayList<>();
        Set<String> planes = new HashSet<>();
        for (JsonNode node : array(preprocessing, "steps")) {
            PreprocessingStep step = PreprocessingStep.parse(node);
            if (step.of() != null && !planes.contains(step.of())) {
                throw invalid("preprocessing step " + step.name() + " reads '" + step.of()
                        + "', which no earlier step makes");
            }
            steps.add(step);
            planes.add(step.name());
        }
        this.channels = new ArrayList<>();
        for (JsonNode channel : array(preprocessing, "channels")) {
            String from = text(channel, "from");
            if (!planes.contains(from)) {
                throw invalid("channel " + channel.path("name").asText() + " comes from '" + from
                        + "', which no preprocessing step makes");
            }
            float std = (float) channel.path("std").asDouble(1.0);
            if (!(std > 0)) {
                throw invalid("channel " + channel.path("name").asText() + " has std " + std + "; it must be > 0");
            }
            channels.add(new Channel(channel.path("name").asText(from), from,
                    (float) channel.path("mean").asDouble(0.0), std));
        }
        if (channels.size() != channelCount) {
            throw invalid("preprocessing declares " + channels.size() + " channels but the input takes " + channelCount);
        }

        JsonNode cropNode = node(json, "crop");
        this.crop = new CropGeometry(positive(cropNode.path("width").asInt(0), "crop.width"),
                positive(cropNode.path("height").asInt(0), "crop.height"),
                number(cropNode, "eye_center_x"), number(cropNode, "eye_center_y"), number(cropNode, "eye_distance"),
                cropNode.path("level_eyes").asBoolean(true));
        if (crop.width() != width || crop.height() != height) {
            throw invalid("crop is " + crop.width() + "x" + crop.height() + " but the input takes " + width + "x" + height);
        }

        JsonNode decision = json.path("decision");
        double threshold = decision.path("min_confidence").asDouble(0.0);
        if (!decision.isMissingNode() && !decision.path("min_confidence").isNumber() || !(threshold >= 0 && threshold <= 1)) {
            throw invalid("decision.min_confidence must be a number from 0 to 1, found " + decision.path("min_confidence"));
        }
        this.minConfidence = (float) threshold;
    }

    /** What a descriptor serializes to: its folder and its JSON, parsed and checked again on the other side. */
    private record SerializedForm(String directory, String json) implements Serializable {
        private Object readResolve() throws IOException {
            return new ModelDescriptor(Path.of(directory), new ObjectMapper().readTree(json));
        }
    }

    private Object writeReplace() {
        return new SerializedForm(directory.toString(), json.toString());
    }

    /** Loads {@code model.json} from a model folder, or a descriptor file given directly. */
    public static ModelDescriptor load(Path folderOrFile) {
        Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve(FILE_NAME) : folderOrFile;
        if (!Files.isReadable(file)) {
            throw new ModelException("cannot read model descriptor " + file.toAbsolutePath()
                    + " (expected a model folder holding " + FILE_NAME + ")");
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelException("model descriptor " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        try {
            return new ModelDescriptor(file.toAbsolutePath().getParent(), json);
        } catch (ModelException e) {
            throw new ModelException("model descriptor " + file + ": " + e.getMessage(), e);
        }
    }

    public Path directory() {
        return directory;
    }

    /** The whole descriptor, for sections this class does not interpret (provenance, cost, fixtures). */
    public JsonNode json() {
        return json;
    }

    public String name() {
        return name;
    }

    public String version() {
        return version;
    }

    public Path onnxFile() {
        return onnxFile;
    }

    /** The SHA-256 of the ONNX file, as the descriptor declares it (lower-case hex). */
    public String onnxSha256() {
        return onnxSha256;
    }

    /**
     * Checks that the ONNX file is there and is the file this descriptor was written for (its SHA-256), so that a
     * descriptor is never applied to other weights.
     *
     * @throws ModelException when the file is missing, unreadable or another file
     */
    public void verifyOnnxFile() {
        if (!Files.isReadable(onnxFile)) {
            throw new ModelException("cannot read ONNX model " + onnxFile + " of " + name);
        }
        String actual;
        try (InputStream in = Files.newInputStream(onnxFile)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            actual = HexFormat.of().formatHex(digest.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new ModelException("cannot read ONNX model " + onnxFile + " of " + name + ": " + e.getMessage(), e);
        }
        if (!actual.equals(onnxSha256)) {
            throw new ModelException(onnxFile + " is not the ONNX file that " + name + " " + version
                    + " describes: its SHA-256 is " + actual + ", the descriptor says " + onnxSha256
                    + " (export the model again, or put back its file)");
        }
    }

    public String inputName() {
        return inputName;
    }

    public String outputName() {
        return outputName;
    }

    public TensorLayout layout() {
        return layout;
    }

    /** Frames the model takes (sampled from a clip of {@link #clipLength()} frames). */
    public int frames() {
        return frames;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int channelCount() {
        return channelCount;
    }

    /** Number of values of one clip's input tensor. */
    public int valuesPerClip() {
        return frames * height * width * channelCount;
    }

    public List<String> labels() {
        return List.copyOf(labels);
    }

    /** Frames in a clip as the pipeline assembles it. */
    public int clipLength() {
        return clipLength;
    }

    /** Which frames of a clip (0-based) the model takes, in order. */
    public int[] frameIndices() {
        return frameIndices.clone();
    }

    /** The preprocessing steps, in order, typed and checked. */
    public List<PreprocessingStep> steps() {
        return List.copyOf(steps);
    }

    public List<Channel> channels() {
        return List.copyOf(channels);
    }

    public CropGeometry crop() {
        return crop;
    }

    /**
     * A clip whose highest probability is below this is "uncertain" (descriptor {@code decision.min_confidence});
     * 0 for models that declare no threshold.
     */
    public float minConfidence() {
        return minConfidence;
    }

    /** The outcome of one clip from its probabilities (in label order): best label, confidence, confident or not. */
    public ClipOutcome outcome(float[] probabilities) {
        if (probabilities.length != labels.size()) {
            throw new ModelException(name + " has " + labels.size() + " labels, got " + probabilities.length
                    + " probabilities");
        }
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return new ClipOutcome(best, labels.get(best), probabilities[best], probabilities[best] >= minConfidence,
                probabilities);
    }

    private ModelException invalid(String message) {
        return new ModelException(message);
    }

    private static TensorLayout parseLayout(String layout) {
        try {
            return TensorLayout.valueOf(layout);
        } catch (IllegalArgumentException e) {
            throw new ModelException("input.layout '" + layout + "' is not one of NTHWC, NCTHW");
        }
    }

    private static JsonNode node(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        if (value == null || !value.isObject()) {
            throw new ModelException("missing object '" + field + "'");
        }
        return value;
    }

    private static JsonNode array(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        if (value == null || !value.isArray()) {
            throw new ModelException("missing list '" + field + "'");
        }
        return value;
    }

    private static String text(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new ModelException("missing text field '" + field + "'");
        }
        return value.asText();
    }

    private static double number(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        if (value == null || !value.isNumber()) {
            throw new ModelException("missing number '" + field + "'");
        }
        return value.asDouble();
    }

    private static int[] ints(JsonNode parent, String field) {
        JsonNode values = array(parent, field);
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            if (!values.get(i).canConvertToInt()) {
                throw new ModelException("'" + field + "' must hold integers, found " + values.get(i));
            }
            out[i] = values.get(i).asInt();
        }
        return out;
    }

    private static int positive(int value, String what) {
        if (value <= 0) {
            throw new ModelException(what + " must be positive, found " + value);
        }
        return value;
    }
}
