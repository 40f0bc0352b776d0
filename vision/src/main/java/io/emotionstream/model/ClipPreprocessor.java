package io.emotionstream.model;

import io.emotionstream.image.ImageFrame;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a clip of face crops (RGB, or gray for a model that reads only luma) into a model's input values, exactly as the descriptor declares: it samples the
 * declared frames, runs the preprocessing steps on each (grayscale or histogram-equalised grayscale, Gaussian blur,
 * Sobel magnitude, all with repeated-edge borders), standardises the declared channels and writes them in the
 * input's layout. A model that reads only the crop's luma ({@link ModelDescriptor#readsLumaOnly()}) takes gray crops
 * too: a gray pixel is read as R = G = B, which gives its luma back.
 *
 * <p>Not thread-safe: it keeps scratch planes between calls. Use one per scoring thread.
 */
public final class ClipPreprocessor {
    private interface Operation {
        void apply(ImageFrame frame, Map<String, float[]> planes, float[] out);
    }

    private final ModelDescriptor model;
    private final int height;
    private final int width;
    private final List<String> stepNames = new ArrayList<>();
    private final List<Operation> operations = new ArrayList<>();
    private final Map<String, float[]> planes = new HashMap<>();
    private final float[] scratch;
    private final int[] levels;
    private final int[] cumulative = new int[256];
    private final boolean lumaOnly;

    public ClipPreprocessor(ModelDescriptor model) {
        this.model = model;
        this.height = model.height();
        this.width = model.width();
        this.scratch = new float[height * width];
        this.levels = new int[height * width];
        this.lumaOnly = model.readsLumaOnly();
        for (PreprocessingStep step : model.steps()) {
            stepNames.add(step.name());
            operations.add(operation(step));
            planes.put(step.name(), new float[height * width]);
        }
    }

    public ModelDescriptor model() {
        return model;
    }

    /**
     * Writes one clip's input values at slot {@code clipIndex} of a batch buffer laid out as the model's input
     * (absolute puts: the buffer's position is left alone).
     *
     * @param clip {@link ModelDescriptor#clipLength()} frames, each {@code width x height} of the model, RGB or (where
     *     the model reads only luma) gray
     */
    public void write(List<? extends ImageFrame> clip, FloatBuffer batch, int clipIndex) {
        if (clip.size() != model.clipLength()) {
            throw new ModelException(model.name() + " scores clips of " + model.clipLength() + " frames, got " + clip.size());
        }
        int[] indices = model.frameIndices();
        List<ModelDescriptor.Channel> channels = model.channels();
        int channelCount = channels.size();
        TensorLayout layout = model.layout();
        for (int t = 0; t < indices.length; t++) {
            ImageFrame frame = clip.get(indices[t]);
            if (frame.width() != width || frame.height() != height) {
                throw new ModelException(model.name() + " takes " + width + "x" + height + " face crops, frame "
                        + indices[t] + " is " + frame.width() + "x" + frame.height());
            }
            if (frame.channels() != 3 && !(frame.channels() == 1 && lumaOnly)) {
                throw new ModelException(model.name() + " takes RGB face crops" + (lumaOnly ? " or gray ones" : "")
                        + ", frame " + indices[t] + " has " + frame.channels() + " channel(s)");
            }
            for (int s = 0; s < operations.size(); s++) {
                operations.get(s).apply(frame, planes, planes.get(stepNames.get(s)));
            }
            for (int c = 0; c < channelCount; c++) {
                ModelDescriptor.Channel channel = channels.get(c);
                float[] plane = planes.get(channel.from());
                float mean = channel.mean();
                float std = channel.std();
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int at = layout.index(clipIndex, t, y, x, c, indices.length, height, width, channelCount);
                        batch.put(at, (plane[y * width + x] - mean) / std);
                    }
                }
            }
        }
    }

    /** One clip's input values in a new array (for tests and tools; scoring writes into its batch buffer). */
    public float[] preprocess(List<? extends ImageFrame> clip) {
        float[] values = new float[model.valuesPerClip()];
        write(clip, FloatBuffer.wrap(values), 0);
        return values;
    }

    private Operation operation(PreprocessingStep step) {
        if (step instanceof PreprocessingStep.Grayscale g) {
            return (frame, planes, out) -> {
                byte[] pixels = frame.pixels();
                int channels = frame.channels();
                int green = channels == 3 ? 1 : 0;
                int blue = channels == 3 ? 2 : 0;
                for (int i = 0; i < out.length; i++) {
                    int at = channels * i;
                    out[i] = ((pixels[at] & 0xff) * g.wr() + (pixels[at + green] & 0xff) * g.wg()
                            + (pixels[at + blue] & 0xff) * g.wb()) * g.scale();
                }
            };
        }
        if (step instanceof PreprocessingStep.EqualizedGrayscale e) {
            return (frame, planes, out) -> equalizedGray(frame, e.wr(), e.wg(), e.wb(), out);
        }
        if (step instanceof PreprocessingStep.GaussianBlur b) {
            float[] kernel = gaussianKernel(b.kernelSize(), b.sigma());
            return (frame, planes, out) -> blur(planes.get(b.of()), out, kernel);
        }
        PreprocessingStep.SobelMagnitude m = (PreprocessingStep.SobelMagnitude) step; // the interface is sealed
        return (frame, planes, out) -> sobelMagnitude(planes.get(m.of()), out, m.scale());
    }

    /** Normalised Gaussian weights exp(-d^2 / (2 sigma^2)), computed in double as the training code does. */
    static float[] gaussianKernel(int size, double sigma) {
        double[] values = new double[size];
        double total = 0;
        int half = size / 2;
        for (int i = 0; i < size; i++) {
            values[i] = Math.exp(-((double) (i - half) * (i - half)) / (2.0 * sigma * sigma));
            total += values[i];
        }
        float[] kernel = new float[size];
        for (int i = 0; i < size; i++) {
            kernel[i] = (float) (values[i] / total);
        }
        return kernel;
    }

    /**
     * 8-bit luma {@code (wr R + wg G + wb B + 500) / 1000} (integers, so every implementation gets the same levels),
     * then global histogram equalisation over the crop: {@code (cdf(luma) - cdfMin) / (pixels - cdfMin)} in float,
     * where cdf counts the pixels at or below a level and cdfMin is the count at the lowest level present; a crop of
     * a single level keeps {@code luma / 255}.
     */
    private void equalizedGray(ImageFrame frame, int wr, int wg, int wb, float[] out) {
        java.util.Arrays.fill(cumulative, 0);
        int lowest = 255;
        byte[] pixels = frame.pixels();
        int channels = frame.channels();
        int green = channels == 3 ? 1 : 0;
        int blue = channels == 3 ? 2 : 0;
        for (int i = 0; i < out.length; i++) {
            int at = channels * i;
            int luma = ((pixels[at] & 0xff) * wr + (pixels[at + green] & 0xff) * wg + (pixels[at + blue] & 0xff) * wb
                    + 500) / 1000;
            levels[i] = luma;
            cumulative[luma]++;
            lowest = Math.min(lowest, luma);
        }
        for (int level = 1; level < cumulative.length; level++) {
            cumulative[level] += cumulative[level - 1];
        }
        int cdfMin = cumulative[lowest];
        int spread = out.length - cdfMin;
        for (int i = 0; i < out.length; i++) {
            out[i] = spread > 0 ? (float) (cumulative[levels[i]] - cdfMin) / (float) spread : levels[i] / 255f;
        }
    }

    /** Separable blur, rows then columns, edges repeated. */
    private void blur(float[] in, float[] out, float[] kernel) {
        int half = kernel.length / 2;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float sum = 0;
                for (int k = 0; k < kernel.length; k++) {
                    sum += kernel[k] * in[y * width + clamp(x + k - half, width)];
                }
                scratch[y * width + x] = sum;
            }
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float sum = 0;
                for (int k = 0; k < kernel.length; k++) {
                    sum += kernel[k] * scratch[clamp(y + k - half, height) * width + x];
                }
                out[y * width + x] = sum;
            }
        }
    }

    private void sobelMagnitude(float[] in, float[] out, float scale) {
        for (int y = 0; y < height; y++) {
            int up = clamp(y - 1, height) * width;
            int row = y * width;
            int down = clamp(y + 1, height) * width;
            for (int x = 0; x < width; x++) {
                int left = clamp(x - 1, width);
                int right = clamp(x + 1, width);
                float gx = (in[up + right] + 2 * in[row + right] + in[down + right])
                        - (in[up + left] + 2 * in[row + left] + in[down + left]);
                float gy = (in[down + left] + 2 * in[down + x] + in[down + right])
                        - (in[up + left] + 2 * in[up + x] + in[up + right]);
                out[row + x] = (float) Math.sqrt(gx * gx + gy * gy) * scale;
            }
        }
    }

    private static int clamp(int i, int size) {
        return i < 0 ? 0 : (i >= size ? size - 1 : i);
    }
}
