package io.emotionstream.model;

import io.emotionstream.image.ImageFrame;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores face clips with a model's ONNX file through ONNX Runtime: one session per instance, one direct input
 * buffer sized for the largest batch, warmed up when opened. Returns class probabilities in the descriptor's label
 * order. Not thread-safe: give each scoring thread (each Flink subtask) its own instance, and close it.
 */
public final class OnnxClipClassifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxClipClassifier.class);
    private static final long OPEN_STACK_BYTES = 64L << 20;

    private final ModelDescriptor model;
    private final ScoringOptions options;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final String executionProvider;
    private final ClipPreprocessor preprocessor;
    private final FloatBuffer input;

    private OnnxClipClassifier(ModelDescriptor model, ScoringOptions options) throws OrtException {
        this.model = model;
        this.options = options;
        this.environment = OrtEnvironment.getEnvironment();
        String provider = "CPU";
        OrtSession opened = null;
        if (options.device() == ScoringOptions.Device.CUDA) {
            try (OrtSession.SessionOptions cuda = sessionOptions()) {
                cuda.addCUDA(options.cudaDeviceId());
                opened = environment.createSession(model.onnxFile().toString(), cuda);
                provider = "CUDA:" + options.cudaDeviceId();
            } catch (OrtException | UnsatisfiedLinkError e) {
                LOG.warn("CUDA execution provider unavailable ({}); scoring {} on CPU", e.getMessage(), model.name());
            }
        }
        if (opened == null) {
            try (OrtSession.SessionOptions cpu = sessionOptions()) {
                opened = environment.createSession(model.onnxFile().toString(), cpu);
            }
        }
        this.session = opened;
        this.executionProvider = provider;
        try {
            checkSignature();
            this.preprocessor = new ClipPreprocessor(model);
            this.input = ByteBuffer.allocateDirect(options.maxBatch() * model.valuesPerClip() * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * Opens a session on the model's ONNX file and warms it up with a full batch.
     *
     * @throws ModelException when the file is missing or unreadable, is not the file the descriptor names (its
     *     SHA-256), is no ONNX model, or does not match the descriptor's input and output
     */
    public static OnnxClipClassifier open(ModelDescriptor model, ScoringOptions options) {
        model.verifyOnnxFile();
        // ONNX Runtime's first initialisation and session creation need more stack than the 1 MB that threads get
        // by default (Flink's task threads among them): a stack overflow there kills the JVM without a trace.
        // So open on a thread of our own with a large stack; scoring afterwards is fine on any thread.
        FutureTask<OnnxClipClassifier> opening = new FutureTask<>(() -> openHere(model, options));
        Thread opener = new Thread(null, opening, "onnxruntime-open-" + model.name(), OPEN_STACK_BYTES);
        opener.start();
        try {
            return opening.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException("interrupted while opening " + model.name(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new ModelException("cannot open " + model.name() + ": " + e.getCause(), e.getCause());
        }
    }

    private static OnnxClipClassifier openHere(ModelDescriptor model, ScoringOptions options) {
        OnnxClipClassifier classifier;
        try {
            classifier = new OnnxClipClassifier(model, options);
        } catch (OrtException e) {
            throw new ModelException("ONNX Runtime cannot load " + model.onnxFile() + ": " + e.getMessage(), e);
        }
        long started = System.nanoTime();
        try {
            classifier.warmUp();
        } catch (RuntimeException e) {
            classifier.close();
            throw e;
        }
        LOG.info("Opened {} {} on {} (threads {}, batch up to {}), warm-up {} ms", model.name(), model.version(),
                classifier.executionProvider, options.threads() == 0 ? "auto" : options.threads(), options.maxBatch(),
                (System.nanoTime() - started) / 1_000_000);
        return classifier;
    }

    public ModelDescriptor model() {
        return model;
    }

    /** "CPU", or "CUDA:&lt;device&gt;" where the CUDA provider was taken. */
    public String executionProvider() {
        return executionProvider;
    }

    public int maxBatch() {
        return options.maxBatch();
    }

    /**
     * Scores clips, in runs of at most {@link #maxBatch()}.
     *
     * @param clips each {@link ModelDescriptor#clipLength()} face crops of the model's size (RGB, or gray for a model
     *     that reads only luma)
     * @return per clip, probabilities in {@link ModelDescriptor#labels()} order
     */
    public float[][] classify(List<? extends List<? extends ImageFrame>> clips) {
        float[][] probabilities = new float[clips.size()][];
        for (int start = 0; start < clips.size(); start += options.maxBatch()) {
            int count = Math.min(options.maxBatch(), clips.size() - start);
            input.clear();
            for (int i = 0; i < count; i++) {
                preprocessor.write(clips.get(start + i), input, i);
            }
            input.limit(count * model.valuesPerClip());
            float[][] batch = run(count);
            System.arraycopy(batch, 0, probabilities, start, count);
        }
        return probabilities;
    }

    /**
     * Scores clips and reads each one's outcome: the best label, its confidence, and whether it reaches the model's
     * confidence threshold.
     */
    public List<ClipOutcome> score(List<? extends List<? extends ImageFrame>> clips) {
        float[][] probabilities = classify(clips);
        ClipOutcome[] outcomes = new ClipOutcome[probabilities.length];
        for (int i = 0; i < probabilities.length; i++) {
            outcomes[i] = model.outcome(probabilities[i]);
        }
        return List.of(outcomes);
    }

    /** Scores clips whose input values are already in model layout (fixtures, benchmarks). */
    public float[][] classifyPreprocessed(float[] values, int count) {
        if (count < 1 || count > options.maxBatch() || values.length != count * model.valuesPerClip()) {
            throw new ModelException("expected 1.." + options.maxBatch() + " clips of " + model.valuesPerClip()
                    + " values, got " + values.length + " values for " + count + " clips");
        }
        input.clear();
        input.put(values);
        input.flip();
        return run(count);
    }

    private float[][] run(int count) {
        long[] shape = model.layout().shape(count, model.frames(), model.height(), model.width(), model.channelCount());
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input, shape);
             OrtSession.Result result = session.run(Map.of(model.inputName(), tensor))) {
            float[][] out = (float[][]) result.get(model.outputName())
                    .orElseThrow(() -> new ModelException("model gave no output " + model.outputName()))
                    .getValue();
            if (out.length != count || out[0].length != model.labels().size()) {
                throw new ModelException("model output is " + out.length + "x" + out[0].length + ", expected "
                        + count + "x" + model.labels().size());
            }
            return out;
        } catch (OrtException e) {
            throw new ModelException("ONNX Runtime failed to score " + count + " clips with " + model.name() + ": "
                    + e.getMessage(), e);
        }
    }

    private void warmUp() {
        for (int count : new int[] {options.maxBatch(), 1}) {
            input.clear();
            input.put(new float[count * model.valuesPerClip()]);
            input.flip();
            run(count);
        }
    }

    private OrtSession.SessionOptions sessionOptions() throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        if (options.threads() > 0) {
            so.setIntraOpNumThreads(options.threads());
        }
        so.setInterOpNumThreads(1);
        return so;
    }

    private void checkSignature() throws OrtException {
        NodeInfo inputInfo = session.getInputInfo().get(model.inputName());
        if (inputInfo == null) {
            throw new ModelException(model.onnxFile() + " has no input '" + model.inputName() + "' (it has "
                    + session.getInputNames() + ")");
        }
        long[] actual = ((TensorInfo) inputInfo.getInfo()).getShape();
        long[] expected = model.layout().shape(-1, model.frames(), model.height(), model.width(), model.channelCount());
        if (actual.length != expected.length
                || !Arrays.equals(Arrays.copyOfRange(actual, 1, actual.length), Arrays.copyOfRange(expected, 1, expected.length))) {
            throw new ModelException(model.onnxFile() + " takes input " + Arrays.toString(actual)
                    + " but its descriptor declares " + Arrays.toString(expected));
        }
        if (!session.getOutputNames().contains(model.outputName())) {
            throw new ModelException(model.onnxFile() + " has no output '" + model.outputName() + "' (it has "
                    + session.getOutputNames() + ")");
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("closing the ONNX session of {} failed: {}", model.name(), e.getMessage());
        }
    }

    /** Index of the largest value. */
    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
