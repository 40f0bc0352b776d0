package io.emotionstream.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
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

    /** What the model costs per clip (descriptor {@code cost}), as the export measured it. */
    public record Cost(long parameters, @JsonProperty("flops_per_clip") long flopsPerClip) {}

    /**
     * The descriptor file as Jackson binds it. Descriptive fields (notes, provenance, calibration) are not bound;
     * {@link #ModelDescriptor(Path, String)} checks what is.
     */
    record Document(String name, String version, String onnx, @JsonProperty("onnx_sha256") String onnxSha256,
                    InputSection input, OutputSection output, List<String> labels, ClipSection clip,
                    PreprocessingSection preprocessing, CropSection crop, DecisionSection decision, Cost cost,
                    String fixtures) {}

    /** The input tensor as the model takes it: name, layout and the size of one clip. */
    record Input(String name, TensorLayout layout, int frames, int height, int width, int channels) {}

    record InputSection(String name, int[] shape, String layout, String type) {
        Input check() {
            TensorLayout order = parseLayout(text(layout, "input.layout"));
            if (!"float32".equals(text(type, "input.type"))) {
                throw new ModelException("input.type must be float32, found " + type);
            }
            int[] dims = list(shape, "input.shape");
            if (dims.length != 5) {
                throw new ModelException("input.shape must have 5 dimensions (" + order + "), found " + dims.length);
            }
            if (dims[0] != -1 && dims[0] < 1) {
                throw new ModelException("input.shape[0] is the batch: -1 (any) or positive, found " + dims[0]);
            }
            boolean last = order == TensorLayout.NTHWC;
            return new Input(text(name, "input.name"), order, positive(dims[last ? 1 : 2], "input frames"),
                    positive(dims[last ? 2 : 3], "input height"), positive(dims[last ? 3 : 4], "input width"),
                    positive(dims[last ? 4 : 1], "input channels"));
        }
    }

    record OutputSection(String name) {}

    record ClipSection(Integer length, @JsonProperty("frame_indices") int[] frameIndices) {
        /** The frame indices, checked against the clip's length and the frames the input takes. */
        int[] check(int frames) {
            int clipLength = positive(number(length, "clip.length"), "clip.length");
            int[] indices = list(frameIndices, "clip.frame_indices");
            if (indices.length != frames) {
                throw new ModelException("clip.frame_indices names " + indices.length + " frames but the input takes "
                        + frames);
            }
            for (int index : indices) {
                if (index < 0 || index >= clipLength) {
                    throw new ModelException("clip.frame_indices holds " + index + ", outside a clip of "
                            + clipLength + " frames");
                }
            }
            return indices.clone();
        }
    }

    record PreprocessingSection(List<PreprocessingStep.Spec> steps, List<ChannelSection> channels) {
        /** The steps in order, each reading only planes that earlier steps make. */
        List<PreprocessingStep> checkSteps() {
            List<PreprocessingStep> out = new ArrayList<>();
            Set<String> planes = new HashSet<>();
            for (PreprocessingStep.Spec spec : list(steps, "preprocessing.steps")) {
                PreprocessingStep step = spec.toStep();
                if (step.of() != null && !planes.contains(step.of())) {
                    throw new ModelException("preprocessing step " + step.name() + " reads '" + step.of()
                            + "', which no earlier step makes");
                }
                out.add(step);
                planes.add(step.name());
            }
            return List.copyOf(out);
        }

        /** The input channels, each from a plane a step makes, as many as the input takes. */
        List<Channel> checkChannels(List<PreprocessingStep> made, int channelCount) {
            Set<String> planes = new HashSet<>();
            made.forEach(step -> planes.add(step.name()));
            List<Channel> out = new ArrayList<>();
            for (ChannelSection channel : list(channels, "preprocessing.channels")) {
                out.add(channel.check(planes));
            }
            if (out.size() != channelCount) {
                throw new ModelException("preprocessing declares " + out.size() + " channels but the input takes "
                        + channelCount);
            }
            return List.copyOf(out);
        }
    }

    record ChannelSection(String name, String from, Float mean, Float std) {
        Channel check(Set<String> planes) {
            String plane = text(from, "preprocessing.channels[].from");
            String channelName = name == null ? plane : name;
            if (!planes.contains(plane)) {
                throw new ModelException("channel " + channelName + " comes from '" + plane
                        + "', which no preprocessing step makes");
            }
            float deviation = std == null ? 1f : std;
            if (!(deviation > 0)) {
                throw new ModelException("channel " + channelName + " has std " + deviation + "; it must be > 0");
            }
            return new Channel(channelName, plane, mean == null ? 0f : mean, deviation);
        }
    }

    record CropSection(Integer width, Integer height, @JsonProperty("eye_center_x") Double eyeCenterX,
                       @JsonProperty("eye_center_y") Double eyeCenterY,
                       @JsonProperty("eye_distance") Double eyeDistance,
                       @JsonProperty("level_eyes") Boolean levelEyes) {
        /** The geometry, of the size the input takes. */
        CropGeometry check(Input input) {
            CropGeometry crop = new CropGeometry(positive(number(width, "crop.width"), "crop.width"),
                    positive(number(height, "crop.height"), "crop.height"), number(eyeCenterX, "crop.eye_center_x"),
                    number(eyeCenterY, "crop.eye_center_y"), number(eyeDistance, "crop.eye_distance"),
                    levelEyes == null || levelEyes);
            if (crop.width() != input.width() || crop.height() != input.height()) {
                throw new ModelException("crop is " + crop.width() + "x" + crop.height() + " but the input takes "
                        + input.width() + "x" + input.height());
            }
            return crop;
        }
    }

    record DecisionSection(@JsonProperty("min_confidence") Double minConfidence) {
        /** The threshold of a decision section, or 0 without one. */
        static float check(DecisionSection decision) {
            Double threshold = decision == null ? Double.valueOf(0) : decision.minConfidence();
            if (threshold == null || !(threshold >= 0 && threshold <= 1)) {
                throw new ModelException("decision.min_confidence must be a number from 0 to 1, found " + threshold);
            }
            return threshold.floatValue();
        }
    }

    /**
     * Binds strictly: no text for numbers, no numbers for text, no fractions for integers; fields it does not bind
     * (notes, provenance, calibration) are descriptive.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
            .build();

    private final Path directory;
    private final String jsonText;
    private final String name;
    private final String version;
    private final Path onnxFile;
    private final String onnxSha256;
    private final Input input;
    private final String outputName;
    private final List<String> labels;
    private final int clipLength;
    private final int[] frameIndices;
    private final List<PreprocessingStep> steps;
    private final List<Channel> channels;
    private final CropGeometry crop;
    private final float minConfidence;
    private final Cost cost;
    private final Path fixtures;

    private ModelDescriptor(Path directory, String jsonText) {
        this.directory = directory;
        this.jsonText = jsonText;
        Document d = bind(jsonText);
        this.name = text(d.name(), "name");
        this.version = text(d.version(), "version");
        this.onnxFile = directory.resolve(text(d.onnx(), "onnx")).normalize();
        this.onnxSha256 = text(d.onnxSha256(), "onnx_sha256").toLowerCase(Locale.ROOT);
        if (!onnxSha256.matches("[0-9a-f]{64}")) {
            throw new ModelException("onnx_sha256 must be 64 hex digits, found '" + onnxSha256 + "'");
        }
        this.input = object(d.input(), "input").check();
        this.outputName = text(object(d.output(), "output").name(), "output.name");
        this.labels = List.copyOf(list(d.labels(), "labels"));
        if (labels.isEmpty() || new HashSet<>(labels).size() != labels.size()) {
            throw new ModelException("labels must be a non-empty list without repeats, found " + labels);
        }
        ClipSection clip = object(d.clip(), "clip");
        this.frameIndices = clip.check(input.frames());
        this.clipLength = clip.length();
        PreprocessingSection preprocessing = object(d.preprocessing(), "preprocessing");
        this.steps = preprocessing.checkSteps();
        this.channels = preprocessing.checkChannels(steps, input.channels());
        this.crop = object(d.crop(), "crop").check(input);
        this.minConfidence = DecisionSection.check(d.decision());
        this.cost = d.cost();
        this.fixtures = d.fixtures() == null ? null : directory.resolve(d.fixtures()).normalize();
    }

    /** Binds the JSON text; a value of the wrong kind is named by its path. */
    private static Document bind(String jsonText) {
        try {
            return MAPPER.readValue(jsonText, Document.class);
        } catch (MismatchedInputException e) {
            throw new ModelException(path(e) + " must be " + kind(e.getTargetType()) + " ("
                    + e.getOriginalMessage() + ")", e);
        } catch (JsonProcessingException e) {
            throw new ModelException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "the descriptor" : path.toString();
    }

    private static String kind(Class<?> type) {
        if (type == null) {
            return "of another kind";
        } else if (type == String.class) {
            return "text";
        } else if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        } else if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        } else if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        } else if (type.isArray() || List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "an object";
    }

    /** What a descriptor serializes to: its folder and its JSON, parsed and checked again on the other side. */
    private record SerializedForm(String directory, String json) implements Serializable {
        private Object readResolve() {
            return new ModelDescriptor(Path.of(directory), json);
        }
    }

    private Object writeReplace() {
        return new SerializedForm(directory.toString(), jsonText);
    }

    /** Loads {@code model.json} from a model folder, or a descriptor file given directly. */
    public static ModelDescriptor load(Path folderOrFile) {
        Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve(FILE_NAME) : folderOrFile;
        if (!Files.isReadable(file)) {
            throw new ModelException("cannot read model descriptor " + file.toAbsolutePath()
                    + " (expected a model folder holding " + FILE_NAME + ")");
        }
        String json;
        try {
            json = Files.readString(file);
        } catch (IOException e) {
            throw new ModelException("cannot read model descriptor " + file.toAbsolutePath() + ": " + e, e);
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

    /** The cost per clip, or null when the descriptor does not declare it. */
    public Cost cost() {
        return cost;
    }

    /** The fixture file that Java's parity tests check (descriptor {@code fixtures}), or null. */
    public Path fixtures() {
        return fixtures;
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
        return input.name();
    }

    public String outputName() {
        return outputName;
    }

    public TensorLayout layout() {
        return input.layout();
    }

    /** Frames the model takes (sampled from a clip of {@link #clipLength()} frames). */
    public int frames() {
        return input.frames();
    }

    public int height() {
        return input.height();
    }

    public int width() {
        return input.width();
    }

    public int channelCount() {
        return input.channels();
    }

    /** Number of values of one clip's input tensor. */
    public int valuesPerClip() {
        return input.frames() * input.height() * input.width() * input.channels();
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

    /**
     * Whether the preprocessing reads the crop only through its luma: every step that reads the crop is a grayscale
     * one weighing R, G and B as Rec. 601 luma does (0.299, 0.587, 0.114). Then a gray crop cut from a frame's luma
     * (a JPEG's own Y channel, decoded without its colour) serves the model as the RGB crop does, at a third of the
     * bytes; {@link ClipPreprocessor} reads a gray pixel as R = G = B.
     */
    public boolean readsLumaOnly() {
        for (PreprocessingStep step : steps) {
            if (step.of() != null) {
                continue;
            }
            boolean luma = step instanceof PreprocessingStep.EqualizedGrayscale e
                    ? e.wr() == 299 && e.wg() == 587 && e.wb() == 114
                    : step instanceof PreprocessingStep.Grayscale g && lumaRatios(g.wr(), g.wg(), g.wb());
            if (!luma) {
                return false;
            }
        }
        return true;
    }

    private static boolean lumaRatios(float wr, float wg, float wb) {
        float sum = wr + wg + wb;
        return sum > 0 && Math.abs(wr / sum - 0.299f) < 1e-3f && Math.abs(wg / sum - 0.587f) < 1e-3f
                && Math.abs(wb / sum - 0.114f) < 1e-3f;
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

    private static TensorLayout parseLayout(String layout) {
        try {
            return TensorLayout.valueOf(layout);
        } catch (IllegalArgumentException e) {
            throw new ModelException("input.layout '" + layout + "' is not one of NTHWC, NCTHW");
        }
    }

    private static <T> T object(T value, String field) {
        if (value == null) {
            throw new ModelException("missing object '" + field + "'");
        }
        return value;
    }

    private static <T> T list(T value, String field) {
        if (value == null) {
            throw new ModelException("missing list '" + field + "'");
        }
        return value;
    }

    private static String text(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new ModelException("missing text field '" + field + "'");
        }
        return value;
    }

    private static <T extends Number> T number(T value, String field) {
        if (value == null) {
            throw new ModelException("missing number '" + field + "'");
        }
        return value;
    }

    private static int positive(int value, String what) {
        if (value <= 0) {
            throw new ModelException(what + " must be positive, found " + value);
        }
        return value;
    }
}
