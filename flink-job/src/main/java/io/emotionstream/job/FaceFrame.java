package io.emotionstream.job;

/**
 * A frame after the face stage: where it came from, when it was captured, and the model-sized RGB crop of its face
 * (or no face). A Flink POJO: public fields and a no-argument constructor.
 */
public class FaceFrame {
    public String cameraId;
    public long sequence;
    public long captureTimeMillis;
    public int sourcePartition;
    public long sourceOffset;
    /** False when no face was found; the crop and box are then empty. */
    public boolean faceFound;
    public float faceScore;
    public int faceX;
    public int faceY;
    public int faceWidth;
    public int faceHeight;
    public int cropWidth;
    public int cropHeight;
    /** RGB interleaved, cropWidth x cropHeight. */
    public byte[] crop;

    public FaceFrame() {}

    static FaceFrame withoutFace(String cameraId, long sequence, long captureTimeMillis) {
        FaceFrame f = new FaceFrame();
        f.cameraId = cameraId;
        f.sequence = sequence;
        f.captureTimeMillis = captureTimeMillis;
        f.crop = new byte[0];
        return f;
    }

    static FaceFrame withFace(String cameraId, long sequence, long captureTimeMillis, int cropWidth, int cropHeight,
                              byte[] crop) {
        FaceFrame f = withoutFace(cameraId, sequence, captureTimeMillis);
        f.faceFound = true;
        f.cropWidth = cropWidth;
        f.cropHeight = cropHeight;
        f.crop = crop;
        return f;
    }

    @Override
    public String toString() {
        return "FaceFrame{" + cameraId + " #" + sequence + " @" + captureTimeMillis + (faceFound ? " face" : " no face") + "}";
    }
}
