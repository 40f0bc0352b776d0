package io.emotionstream.job;

/** The clip a camera is assembling: a ring of frame slots filled in order. A Flink POJO kept in keyed state. */
public class ClipProgress {
    public int count;
    public int cropWidth;
    public int cropHeight;
    public byte[] crops;
    public long[] sequences;
    public long[] times;
    public boolean[] hasFace;
    public long lastSequence = -1;
    public long lastTime = Long.MIN_VALUE;
    public long runFirstSequence = -1;
    public long runFirstTime;
    public int faceX;
    public int faceY;
    public int faceWidth;
    public int faceHeight;

    public ClipProgress() {}

    ClipProgress(int clipLength, int cropWidth, int cropHeight) {
        this.cropWidth = cropWidth;
        this.cropHeight = cropHeight;
        this.crops = new byte[clipLength * cropWidth * cropHeight * 3];
        this.sequences = new long[clipLength];
        this.times = new long[clipLength];
        this.hasFace = new boolean[clipLength];
    }

    int cropSize() {
        return cropWidth * cropHeight * 3;
    }

    int framesWithoutFace() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (!hasFace[i]) {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether the camera has sent this frame already: it lies within the unbroken run of sequence numbers taken in
     * last (no number missing since {@link #runFirstSequence}), in both sequence and capture time.
     */
    boolean seen(long sequence, long captureTimeMillis) {
        return runFirstSequence >= 0 && sequence >= runFirstSequence && sequence <= lastSequence
                && captureTimeMillis >= runFirstTime && captureTimeMillis <= lastTime;
    }

    /** Notes a frame taken in: the newest, and the start of a new unbroken run when a number was skipped. */
    void taken(FaceFrame frame) {
        if (runFirstSequence < 0 || frame.sequence != lastSequence + 1) {
            runFirstSequence = frame.sequence;
            runFirstTime = frame.captureTimeMillis;
        }
        lastSequence = frame.sequence;
        lastTime = frame.captureTimeMillis;
    }

    void append(FaceFrame frame) {
        int size = cropSize();
        if (frame.faceFound) {
            System.arraycopy(frame.crop, 0, crops, count * size, size);
            faceX = frame.faceX;
            faceY = frame.faceY;
            faceWidth = frame.faceWidth;
            faceHeight = frame.faceHeight;
        } else {
            System.arraycopy(crops, (count - 1) * size, crops, count * size, size); // hold the last face
        }
        sequences[count] = frame.sequence;
        times[count] = frame.captureTimeMillis;
        hasFace[count] = frame.faceFound;
        count++;
    }

    FaceClip toClip(String cameraId) {
        FaceClip clip = new FaceClip();
        clip.cameraId = cameraId;
        clip.firstSequence = sequences[0];
        clip.lastSequence = sequences[count - 1];
        clip.startTimeMillis = times[0];
        clip.endTimeMillis = times[count - 1];
        clip.framesWithFace = count - framesWithoutFace();
        clip.frameCount = count;
        clip.cropWidth = cropWidth;
        clip.cropHeight = cropHeight;
        clip.crops = java.util.Arrays.copyOf(crops, count * cropSize());
        clip.faceX = faceX;
        clip.faceY = faceY;
        clip.faceWidth = faceWidth;
        clip.faceHeight = faceHeight;
        return clip;
    }

    /** Drops the first n frames (after a clip was emitted, keeping the overlap with the next one). */
    void shift(int n) {
        int keep = count - n;
        int size = cropSize();
        System.arraycopy(crops, n * size, crops, 0, keep * size);
        System.arraycopy(sequences, n, sequences, 0, keep);
        System.arraycopy(times, n, times, 0, keep);
        System.arraycopy(hasFace, n, hasFace, 0, keep);
        count = keep;
        // a kept clip must open with a face: drop leading frames that have none
        int lead = 0;
        while (lead < count && !hasFace[lead]) {
            lead++;
        }
        if (lead > 0) {
            shift(lead);
        }
    }
}
