package io.emotionstream.model;

import com.fasterxml.jackson.databind.JsonNode;

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
     * Reads one step of a descriptor (its {@code name} defaults to its {@code op}).
     *
     * @throws ModelException when the op is unknown or its parameters are missing or out of range
     */
    static PreprocessingStep parse(JsonNode step) {
        JsonNode opNode = step.get("op");
        if (opNode == null || !opNode.isTextual() || opNode.asText().isBlank()) {
            throw new ModelException("missing text field 'op' in a preprocessing step");
        }
        String op = opNode.asText();
        String name = step.path("name").asText(op);
        String border = step.path("border").asText("replicate");
        if (!"replicate".equals(border)) {
            throw new ModelException("preprocessing step " + name + ": border '" + border
                    + "' is not supported (replicate is)");
        }
        String of = step.has("of") ? step.get("of").asText() : null;
        switch (op) {
            case "grayscale": {
                JsonNode w = step.path("weights_rgb");
                if (w.size() != 3 || !w.get(0).isNumber() || !w.get(1).isNumber() || !w.get(2).isNumber()) {
                    throw new ModelException("grayscale step needs weights_rgb with 3 numbers");
                }
                return new Grayscale(name, (float) w.get(0).asDouble(), (float) w.get(1).asDouble(),
                        (float) w.get(2).asDouble(), (float) step.path("scale").asDouble(1.0 / 255.0));
            }
            case "equalized_grayscale": {
                JsonNode w = step.path("weights_rgb_per_mille");
                if (w.size() != 3 || !w.get(0).canConvertToInt() || !w.get(1).canConvertToInt()
                        || !w.get(2).canConvertToInt() || w.get(0).asInt() + w.get(1).asInt() + w.get(2).asInt() != 1000
                        || w.get(0).asInt() < 0 || w.get(1).asInt() < 0 || w.get(2).asInt() < 0) {
                    throw new ModelException("equalized_grayscale needs weights_rgb_per_mille: 3 integers >= 0 that "
                            + "sum to 1000, found " + w);
                }
                return new EqualizedGrayscale(name, w.get(0).asInt(), w.get(1).asInt(), w.get(2).asInt());
            }
            case "gaussian_blur": {
                int size = step.path("kernel_size").asInt(0);
                double sigma = step.path("sigma").asDouble(0);
                if (size < 1 || size % 2 == 0 || !(sigma > 0)) {
                    throw new ModelException("gaussian_blur needs an odd kernel_size and sigma > 0, found "
                            + size + " and " + sigma);
                }
                return new GaussianBlur(name, requireInput(name, of), size, sigma);
            }
            case "sobel_magnitude": {
                if (step.path("kernel_size").asInt(3) != 3) {
                    throw new ModelException("sobel_magnitude supports kernel_size 3 only");
                }
                return new SobelMagnitude(name, requireInput(name, of), (float) step.path("scale").asDouble(1.0));
            }
            default:
                throw new ModelException("preprocessing step " + name + ": unknown op '" + op + "' (known: "
                        + KNOWN_OPS + ")");
        }
    }

    private static String requireInput(String name, String of) {
        if (of == null) {
            throw new ModelException("preprocessing step " + name + " must say which plane it reads ('of')");
        }
        return of;
    }
}
