package io.emotionstream.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * One step of a descriptor's {@code preprocessing.steps}, typed and checked when the descriptor is loaded: an
 * operation on the RGB face crop, or on the plane that an earlier step made ({@link #of()}). Every step works on
 * planes of the model's input size, with repeated edges where a kernel reaches past the border.
 */
public sealed interface PreprocessingStep {
    /** The plane this step makes (other steps and channels name it). */
    String name();

    /** The plane this step reads, or null when it reads the RGB crop. */
    String of();

    /** gray = (wr R + wg G + wb B) * scale, in float. */
    record Grayscale(String name, float wr, float wg, float wb, float scale) implements PreprocessingStep {
        public String of() {
            return null;
        }
    }

    /**
     * 8-bit luma (wr R + wg G + wb B + 500) div 1000 in integers (weights per mille, summing to 1000), then global
     * histogram equalisation over the crop, in [0, 1].
     */
    record EqualizedGrayscale(String name, int wr, int wg, int wb) implements PreprocessingStep {
        public String of() {
            return null;
        }
    }

    /** A separable normalised Gaussian blur, exp(-d^2 / (2 sigma^2)), of an odd kernel size. */
    record GaussianBlur(String name, String of, int kernelSize, double sigma) implements PreprocessingStep {}

    /** The magnitude of the 3x3 Sobel gradient, times scale. */
    record SobelMagnitude(String name, String of, float scale) implements PreprocessingStep {}

    /** The ops a descriptor may name. */
    String KNOWN_OPS = "grayscale, equalized_grayscale, gaussian_blur, sobel_magnitude";

    /**
     * One step as the descriptor writes it (Jackson binds it; notes are not bound); {@link #toStep()} checks it and
     * makes the typed step. Its {@code name} defaults to its {@code op}, its {@code border} to replicate.
     */
    record Spec(String op, String name, String of, @JsonProperty("weights_rgb") float[] weightsRgb,
                @JsonProperty("weights_rgb_per_mille") int[] weightsRgbPerMille,
                @JsonProperty("kernel_size") Integer kernelSize, Double sigma, Double scale, String border) {
        /**
         * The typed step.
         *
         * @throws ModelException when the op is unknown or its parameters are missing or out of range
         */
        public PreprocessingStep toStep() {
            if (op == null || op.isBlank()) {
                throw new ModelException("missing text field 'op' in a preprocessing step");
            }
            String stepName = name == null ? op : name;
            if (border != null && !"replicate".equals(border)) {
                throw new ModelException("preprocessing step " + stepName + ": border '" + border
                        + "' is not supported (replicate is)");
            }
            switch (op) {
                case "grayscale":
                    if (weightsRgb == null || weightsRgb.length != 3) {
                        throw new ModelException("grayscale step needs weights_rgb with 3 numbers");
                    }
                    return new Grayscale(stepName, weightsRgb[0], weightsRgb[1], weightsRgb[2],
                            scale == null ? 1f / 255f : scale.floatValue());
                case "equalized_grayscale": {
                    int[] w = weightsRgbPerMille;
                    if (w == null || w.length != 3 || w[0] < 0 || w[1] < 0 || w[2] < 0 || w[0] + w[1] + w[2] != 1000) {
                        throw new ModelException("equalized_grayscale needs weights_rgb_per_mille: 3 integers >= 0 "
                                + "that sum to 1000, found " + Arrays.toString(w));
                    }
                    return new EqualizedGrayscale(stepName, w[0], w[1], w[2]);
                }
                case "gaussian_blur": {
                    int size = kernelSize == null ? 0 : kernelSize;
                    double s = sigma == null ? 0 : sigma;
                    if (size < 1 || size % 2 == 0 || !(s > 0)) {
                        throw new ModelException("gaussian_blur needs an odd kernel_size and sigma > 0, found "
                                + size + " and " + s);
                    }
                    return new GaussianBlur(stepName, requireInput(stepName), size, s);
                }
                case "sobel_magnitude":
                    if (kernelSize != null && kernelSize != 3) {
                        throw new ModelException("sobel_magnitude supports kernel_size 3 only");
                    }
                    return new SobelMagnitude(stepName, requireInput(stepName),
                            scale == null ? 1f : scale.floatValue());
                default:
                    throw new ModelException("preprocessing step " + stepName + ": unknown op '" + op + "' (known: "
                            + KNOWN_OPS + ")");
            }
        }

        private String requireInput(String stepName) {
            if (of == null) {
                throw new ModelException("preprocessing step " + stepName + " must say which plane it reads ('of')");
            }
            return of;
        }
    }
}
