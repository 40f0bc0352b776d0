package io.emotionstream.job;

/**
 * The clip a camera is assembling for one face track: frame slots filled in order. A Flink POJO kept in keyed state.
 */
public class ClipProgress {
    public int count;
    public int cropWidth;
    public int cropHeight;
    /** Bytes a crop pixel, 3 or 1 (0 in state written before gray crops: RGB). */
    public int cropChannels;
    public byte[] crops;
    public long[] sequences;
    public long[] times;
    public boolean[] hasFace;
    /** The camera's last frame taken in (with this track's face or not). */
    public long lastSequence = -1;
    public long lastTime = Long.MIN_VALUE;
    /** The broker's time of the last frame appended ({@link FaceFrame#recordTimeMillis}). */
    public long lastRecordTime;
    /** Faces in the camera's last frame with this track's face. */
    public int facesInView;
    public int faceX;
    public int faceY;
    public int faceWidth;
    public int faceHeight;

    public ClipProgress() {}

    ClipProgress(int clipLength, int cropWidth, int cropHeight, int cropChannels) {
        this.cropWidth = cropWidth;
        this.cropHeight = cropHeight;
        this.cropChannels = cropChannels;
        this.crops = new byte[clipLength * cropWidth * cropHeight * cropChannels];
        this.sequences = new long[clipLength];
        this.times = new long[clipLength];
        this.hasFace = new boolean[clipLength];
    }

    int channels() {
        return cropChannels == 0 ? 3 : cropChannels;
    }

    /** Whether a face's crop has this clip's size and kind. */
    boolean fits(FaceFrame.Face face) {
        return face.cropWidth == cropWidth && face.cropHeight == cropHeight && face.cropChannels == channels();
    }

    int cropSize() {
        return cropWidth * cropHeight * channels();
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

    /** Notes the camera's frame taken in, whether or not it had this track's face. */
    void taken(FaceFrame frame) {
        lastSequence = frame.sequence;
        lastTime = frame.captureTimeMillis;
    }

    /** Appends the frame with this track's face, or without it (null: the last face is held). */
    void append(FaceFrame frame, FaceFrame.Face face) {
        int size = cropSize();
        if (face != null) {
            System.arraycopy(face.crop, 0, crops, count * size, size);
            faceX = face.x;
            faceY = face.y;
            faceWidth = face.width;
            faceHeight = face.height;
            facesInView = frame.faces.length;
        } else {
            System.arraycopy(crops, (count - 1) * size, crops, count * size, size); // hold the last face
        }
        sequences[count] = frame.sequence;
        times[count] = frame.captureTimeMillis;
        lastRecordTime = frame.recordTimeMillis;
        hasFace[count] = face != null;
        count++;
    }

    FaceClip toClip(String cameraId, int track) {
        FaceClip clip = new FaceClip();
        clip.cameraId = cameraId;
        clip.faceTrack = track;
        clip.facesInView = facesInView;
        clip.firstSequence = sequences[0];
        clip.lastSequence = sequences[count - 1];
        clip.startTimeMillis = times[0];
        clip.endTimeMillis = times[count - 1];
        clip.endRecordTimeMillis = lastRecordTime;
        clip.framesWithFace = count - framesWithoutFace();
        clip.frameCount = count;
        clip.cropWidth = cropWidth;
        clip.cropHeight = cropHeight;
        clip.cropChannels = channels();
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
