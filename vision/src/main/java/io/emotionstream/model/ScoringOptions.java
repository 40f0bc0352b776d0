package io.emotionstream.model;

/**
 * How a classifier runs its model.
 *
 * @param device where to run: CPU, or CUDA with a logged fall-back to CPU where CUDA cannot be used
 * @param cudaDeviceId the GPU to use with CUDA
 * @param threads ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose (all cores)
 * @param maxBatch the most clips scored in one run; the input buffer is sized for it
 */
public record ScoringOptions(Device device, int cudaDeviceId, int threads, int maxBatch) implements java.io.Serializable {
    public enum Device { CPU, CUDA }

    public ScoringOptions {
        if (device == null) {
            throw new IllegalArgumentException("device must be CPU or CUDA");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0: ONNX Runtime's choice), got " + threads);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("batch must be >= 1 (maxBatch), got " + maxBatch);
        }
    }

    public static ScoringOptions cpu(int threads, int maxBatch) {
        return new ScoringOptions(Device.CPU, 0, threads, maxBatch);
    }
}
