package io.emotionstream.model;

/** Order of the dimensions of a clip tensor: N (clips), T (frames), H, W, C (channels). */
public enum TensorLayout {
    /** [clips, frames, height, width, channels]: channels last, as the research Keras model. */
    NTHWC,
    /** [clips, channels, frames, height, width]: channels first, as PyTorch's Conv3d. */
    NCTHW;

    /** Index of one value in a flat batch tensor of clips with the given frame count, size and channels. */
    public int index(int clip, int frame, int y, int x, int channel, int frames, int height, int width, int channels) {
        switch (this) {
            case NTHWC:
                return (((clip * frames + frame) * height + y) * width + x) * channels + channel;
            case NCTHW:
                return (((clip * channels + channel) * frames + frame) * height + y) * width + x;
            default:
                throw new AssertionError(this);
        }
    }

    public long[] shape(int clips, int frames, int height, int width, int channels) {
        return this == NTHWC
                ? new long[] {clips, frames, height, width, channels}
                : new long[] {clips, channels, frames, height, width};
    }
}
