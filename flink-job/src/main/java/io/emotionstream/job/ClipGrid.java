package io.emotionstream.job;

import java.io.Serializable;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Where a camera's clips lie in its frame sequence, and which of its frames the face stage looks at. Clips start at
 * sequence numbers that are multiples of the stride (a clip covers {@code [start, start + clipLength)}), so the face
 * stage and the clip stage both know from a frame's sequence number alone which clip positions it fills. The model
 * reads some positions of each clip (its descriptor's frame indices); a frame is looked at (decoded, its faces found
 * and cropped) when it falls on a read position of a clip it belongs to, and passed over as a count otherwise. A model
 * that reads every frame gets every frame looked at.
 */
public final class ClipGrid implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int clipLength;
    private final int stride;
    private final int[] reads;
    /** Whether a frame at this offset from its clip's start (0..stride-1) is looked at. */
    private final boolean[] lookedOffsets;

    /**
     * @param clipLength frames a clip covers
     * @param stride sequence numbers between clip starts (1..clipLength)
     * @param reads the clip positions (0-based) the model reads
     */
    public ClipGrid(int clipLength, int stride, int[] reads) {
        if (clipLength < 1 || stride < 1 || stride > clipLength) {
            throw new IllegalArgumentException("clip length must be >= 1 and stride 1..length, got " + clipLength
                    + " and " + stride);
        }
        int[] sorted = reads.clone();
        Arrays.sort(sorted);
        if (sorted.length == 0 || sorted[0] < 0 || sorted[sorted.length - 1] >= clipLength) {
            throw new IllegalArgumentException("read positions must lie in 0.." + (clipLength - 1) + ", got "
                    + Arrays.toString(reads));
        }
        this.clipLength = clipLength;
        this.stride = stride;
        this.reads = sorted;
        this.lookedOffsets = new boolean[stride];
        for (int p : sorted) {
            lookedOffsets[p % stride] = true;
        }
    }

    /** The grid of these clip settings for a model that reads these positions of each clip. */
    public static ClipGrid of(ClipSettings clips, int[] reads) {
        return new ClipGrid(clips.clipLength(), clips.stride(), reads);
    }

    /** The grid of these clip settings with every frame looked at. */
    public static ClipGrid everyFrame(ClipSettings clips) {
        return of(clips, IntStream.range(0, clips.clipLength()).toArray());
    }

    public int clipLength() {
        return clipLength;
    }

    public int stride() {
        return stride;
    }

    /** The clip positions the model reads, ascending. */
    public int[] reads() {
        return reads.clone();
    }

    /** Whether the frame of this sequence number is looked at: it falls on a read position of a clip. */
    public boolean looksAt(long sequence) {
        return lookedOffsets[Math.floorMod(sequence, stride)];
    }

    /** The start of the latest clip that holds the frame of this sequence number. */
    public long clipStart(long sequence) {
        return sequence - Math.floorMod(sequence, stride);
    }

    /**
     * The clip positions whose frames are looked at, ascending: the read positions and, where clips overlap, those
     * read in a later clip. A clip in progress keeps the crops of these.
     */
    public int[] kept() {
        return IntStream.range(0, clipLength).filter(p -> lookedOffsets[p % stride]).toArray();
    }

    @Override
    public String toString() {
        return "clips of " + clipLength + " frames every " + stride + ", positions " + Arrays.toString(reads)
                + " read";
    }
}
