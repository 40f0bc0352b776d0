package io.emotionstream.job;

/**
 * A frame after the face stage: where it came from, when it was captured, and each face found in it with its track
 * and model-sized crop, RGB or gray (none when no face was found). A Flink POJO: public fields and a no-argument constructor.
 */
public class FaceFrame {
    /** One face in the frame. A Flink POJO. */
    public static class Face {
        /** The face's track within its camera ({@link FaceTrack#id}). */
        public int track;
        public float score;
        public int x;
        public int y;
        public int width;
        public int height;
        public int cropWidth;
        public int cropHeight;
        /** Bytes a crop pixel: 3 (RGB interleaved) or 1 (gray, for a model that reads only luma). */
        public int cropChannels;
        /** cropWidth x cropHeight x cropChannels bytes, row by row. */
        public byte[] crop;

        public Face() {}

        Face(int track, int cropWidth, int cropHeight, int cropChannels, byte[] crop) {
            this.track = track;
            this.cropWidth = cropWidth;
            this.cropHeight = cropHeight;
            this.cropChannels = cropChannels;
            this.crop = crop;
        }
    }

    private static final Face[] NONE = new Face[0];

    public String cameraId;
    public long sequence;
    public long captureTimeMillis;
    /**
     * When the broker took the frame's record (its append time: a time the camera cannot choose); 0 when unknown.
     * A clip's events carry its last frame's, so that the dashboard's windows do not follow a camera's clock.
     */
    public long recordTimeMillis;
    /** Where the frame's record was in Kafka (named in a dead letter if the frame comes too late). */
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;
    /**
     * Set by the clip stage when the camera's clock stepped (or the camera restarted) at this frame: a partial clip
     * ends here ({@link FrameReorderBuffer}).
     */
    public boolean clockStep;
    /**
     * Whether the face stage looked at the frame (decoded it and searched it for faces); false for a frame no clip
     * reads ({@link ClipGrid}), which passes on as a count.
     */
    public boolean looked = true;
    /** The faces found, in track order; empty when none was. */
    public Face[] faces = NONE;

    public FaceFrame() {}

    static FaceFrame withoutFace(String cameraId, long sequence, long captureTimeMillis) {
        FaceFrame f = new FaceFrame();
        f.cameraId = cameraId;
        f.sequence = sequence;
        f.captureTimeMillis = captureTimeMillis;
        return f;
    }

    static FaceFrame withFaces(String cameraId, long sequence, long captureTimeMillis, Face... faces) {
        FaceFrame f = withoutFace(cameraId, sequence, captureTimeMillis);
        f.faces = faces;
        return f;
    }

    /** A frame the face stage passed over: where it came from and when, no faces, not looked at. */
    static FaceFrame passedOver(String cameraId, long sequence, long captureTimeMillis) {
        FaceFrame f = withoutFace(cameraId, sequence, captureTimeMillis);
        f.looked = false;
        return f;
    }

    /** The face of this track, or null when the frame has none of it. */
    Face face(int track) {
        for (Face face : faces) {
            if (face.track == track) {
                return face;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "FaceFrame{" + cameraId + " #" + sequence + " @" + captureTimeMillis + ", "
                + (looked ? faces.length + " faces}" : "passed over}");
    }
}
