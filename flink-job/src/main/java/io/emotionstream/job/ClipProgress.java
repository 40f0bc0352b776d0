package io.emotionstream.job;

import java.util.Arrays;

/**
 * The clip a camera is assembling for one face track: the frames of its span of the sequence
 * ({@code [start, start + length)}, {@link ClipGrid}) that have come, and the face crops of the positions the face
 * stage looks at. A Flink POJO kept in keyed state.
 */
public class ClipProgress {
    /** Whether the clip has a span: it takes the frames of it. */
    public boolean open;
    /** The first sequence number the clip covers. */
    public long start;
    public int length;
    /** The clip positions whose frames are looked at, ascending ({@link ClipGrid#kept()}): one crop slot each. */
    public int[] kept;
    /** Per clip position: whether its frame has come, and its capture time. */
    public boolean[] arrived;
    public long[] times;
    /** Per crop slot: whether the frame there showed this track's face. */
    public boolean[] hasFace;
    /** kept.length crops, one after another; a slot without a face holds nothing useful until the clip is cut. */
    public byte[] crops;
    public int cropWidth;
    public int cropHeight;
    /** Bytes a crop pixel, 3 or 1. */
    public int cropChannels;
    /** The camera's last frame taken in (with this track's face or not). */
    public long lastSequence = -1;
    public long lastTime = Long.MIN_VALUE;
    /** The broker's time of the last frame of the clip ({@link FaceFrame#recordTimeMillis}). */
    public long lastRecordTime;
    /** Faces in the camera's last frame with this track's face, and that face's box. */
    public int facesInView;
    public int faceX;
    public int faceY;
    public int faceWidth;
    public int faceHeight;

    public ClipProgress() {}

    ClipProgress(int length, int[] kept, int cropWidth, int cropHeight, int cropChannels) {
        this.length = length;
        this.kept = kept.clone();
        this.cropWidth = cropWidth;
        this.cropHeight = cropHeight;
        this.cropChannels = cropChannels;
        this.arrived = new boolean[length];
        this.times = new long[length];
        this.hasFace = new boolean[kept.length];
        this.crops = new byte[kept.length * cropSize()];
    }

    /** Whether a face's crop has this clip's size and kind. */
    boolean fits(FaceFrame.Face face) {
        return face.cropWidth == cropWidth && face.cropHeight == cropHeight && face.cropChannels == cropChannels;
    }

    int cropSize() {
        return cropWidth * cropHeight * cropChannels;
    }

    /** Whether the clip has a span, whose frames it takes. */
    boolean isOpen() {
        return open;
    }

    /** Starts the span at this sequence number, with no frame yet. */
    void openAt(long start) {
        this.start = start;
        open = true;
        Arrays.fill(arrived, false);
        Arrays.fill(hasFace, false);
    }

    /** Forgets the clip's frames (a partial clip dropped); the camera's last frame stays known. */
    void close() {
        open = false;
        Arrays.fill(arrived, false);
        Arrays.fill(hasFace, false);
    }

    /** The crop slot of this clip position, or -1 when its frame is not looked at. */
    int slot(int position) {
        int i = Arrays.binarySearch(kept, position);
        return i < 0 ? -1 : i;
    }

    /** Crop slots before this clip position without the track's face (their frames had none, or never came). */
    int facelessBefore(int position) {
        int n = 0;
        for (int i = 0; i < kept.length && kept[i] < position; i++) {
            n += hasFace[i] ? 0 : 1;
        }
        return n;
    }

    int framesWithFace() {
        int n = 0;
        for (boolean f : hasFace) {
            n += f ? 1 : 0;
        }
        return n;
    }

    /** Notes the camera's frame taken in, whether or not it had this track's face. */
    void taken(FaceFrame frame) {
        lastSequence = frame.sequence;
        lastTime = frame.captureTimeMillis;
    }

    /**
     * Takes a frame of the clip's span: its time, and where the face stage looked at it, this track's face in it
     * (null when it had none).
     */
    void append(FaceFrame frame, FaceFrame.Face face) {
        int position = (int) (frame.sequence - start);
        arrived[position] = true;
        times[position] = frame.captureTimeMillis;
        lastRecordTime = frame.recordTimeMillis;
        int slot = frame.looked ? slot(position) : -1;
        if (slot >= 0 && face != null) {
            System.arraycopy(face.crop, 0, crops, slot * cropSize(), cropSize());
            hasFace[slot] = true;
            faceX = face.x;
            faceY = face.y;
            faceWidth = face.width;
            faceHeight = face.height;
            facesInView = frame.faces.length;
        }
    }

    /**
     * The clip as it stands: each crop slot without the track's face holds the nearest earlier crop with it, or,
     * before the first, the first.
     */
    FaceClip toClip(String cameraId, int track) {
        int size = cropSize();
        byte[] out = new byte[kept.length * size];
        int first = 0;
        while (first < kept.length && !hasFace[first]) {
            first++;
        }
        int source = first;
        for (int i = 0; i < kept.length; i++) {
            if (hasFace[i]) {
                source = i;
            }
            System.arraycopy(crops, source * size, out, i * size, size);
        }
        int firstPosition = 0;
        while (!arrived[firstPosition]) {
            firstPosition++;
        }
        FaceClip clip = new FaceClip();
        clip.cameraId = cameraId;
        clip.faceTrack = track;
        clip.facesInView = facesInView;
        clip.firstSequence = start + firstPosition;
        clip.lastSequence = lastSequence;
        clip.startTimeMillis = times[firstPosition];
        clip.endTimeMillis = lastTime;
        clip.endRecordTimeMillis = lastRecordTime;
        clip.framesWithFace = framesWithFace();
        for (int position : kept) {
            clip.framesLookedAt += arrived[position] ? 1 : 0;
        }
        clip.frameCount = length;
        clip.positions = kept.clone();
        clip.cropWidth = cropWidth;
        clip.cropHeight = cropHeight;
        clip.cropChannels = cropChannels;
        clip.crops = out;
        clip.faceX = faceX;
        clip.faceY = faceY;
        clip.faceWidth = faceWidth;
        clip.faceHeight = faceHeight;
        return clip;
    }

    /** Moves the span on by n sequence numbers (after a clip was cut), keeping what overlaps the next clip. */
    void shift(int n) {
        start += n;
        System.arraycopy(arrived, Math.min(n, length), arrived, 0, Math.max(0, length - n));
        System.arraycopy(times, Math.min(n, length), times, 0, Math.max(0, length - n));
        Arrays.fill(arrived, Math.max(0, length - n), length, false);
        int size = cropSize();
        for (int i = 0; i < kept.length; i++) {
            int from = slot(kept[i] + n);
            hasFace[i] = from >= 0 && hasFace[from];
            if (hasFace[i]) {
                System.arraycopy(crops, from * size, crops, i * size, size);
            }
        }
    }
}
