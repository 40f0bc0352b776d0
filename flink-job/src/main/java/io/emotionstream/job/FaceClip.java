package io.emotionstream.job;

import io.emotionstream.image.ImageFrame;

/**
 * A clip of one face of a camera (one face track) in frame order, ready for scoring. Frames without a face hold the crop of the
 * nearest earlier frame with one. A Flink POJO.
 */
public class FaceClip {
    public String cameraId;
    /** The face's track within the camera. */
    public int faceTrack;
    /** Faces the camera saw in the last frame in which this one was found. */
    public int facesInView;
    public long firstSequence;
    public long lastSequence;
    public long startTimeMillis;
    public long endTimeMillis;
    /** The broker's time of the last frame ({@link FaceFrame#recordTimeMillis}); 0 when unknown. */
    public long endRecordTimeMillis;
    /** Frames of the clip in which a face was found. */
    public int framesWithFace;
    public int frameCount;
    public int cropWidth;
    public int cropHeight;
    /** Bytes a crop pixel: 3 (RGB interleaved) or 1 (gray). */
    public int cropChannels;
    /** frameCount crops, one after another. */
    public byte[] crops;
    /** The face box of the last frame with a face. */
    public int faceX;
    public int faceY;
    public int faceWidth;
    public int faceHeight;

    public FaceClip() {}

    /** The crop of frame i. */
    public ImageFrame crop(int i) {
        int size = cropWidth * cropHeight * cropChannels;
        byte[] out = new byte[size];
        System.arraycopy(crops, i * size, out, 0, size);
        return ImageFrame.of(cropWidth, cropHeight, cropChannels, out);
    }

    @Override
    public String toString() {
        return "FaceClip{" + cameraId + " face " + faceTrack + " #" + firstSequence + "-" + lastSequence + ", " + framesWithFace + "/" + frameCount
                + " faces}";
    }
}
