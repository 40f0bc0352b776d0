package io.emotionstream.job;

import io.emotionstream.image.ImageFrame;

/**
 * A clip of one face of a camera (one face track), ready for scoring: the face crops of the clip positions the face
 * stage looked at ({@link ClipGrid}), in order. A position whose frame lacked the face holds the crop of the nearest
 * earlier one with it (or of the first). A Flink POJO.
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
    /** Frames of the clip in which the face stage looked for the face and found it. */
    public int framesWithFace;
    /** Frames of the clip the face stage looked at: the positions with a crop whose frames came. */
    public int framesLookedAt;
    /** Positions the clip covers (its length). */
    public int frameCount;
    /** The clip positions (0-based, ascending) that have a crop. */
    public int[] positions;
    public int cropWidth;
    public int cropHeight;
    /** Bytes a crop pixel: 3 (RGB interleaved) or 1 (gray). */
    public int cropChannels;
    /** A crop per entry of positions, one after another. */
    public byte[] crops;
    /** The face box of the last frame with a face. */
    public int faceX;
    public int faceY;
    public int faceWidth;
    public int faceHeight;

    public FaceClip() {}

    /** The crop of clip position i. */
    public ImageFrame crop(int i) {
        int index = java.util.Arrays.binarySearch(positions, i);
        if (index < 0) {
            throw new IllegalArgumentException("position " + i + " of the clip was not cropped; cropped: "
                    + java.util.Arrays.toString(positions));
        }
        int size = cropWidth * cropHeight * cropChannels;
        byte[] out = new byte[size];
        System.arraycopy(crops, index * size, out, 0, size);
        return ImageFrame.of(cropWidth, cropHeight, cropChannels, out);
    }


    @Override
    public String toString() {
        return "FaceClip{" + cameraId + " face " + faceTrack + " #" + firstSequence + "-" + lastSequence + ", "
                + framesWithFace + "/" + positions.length + " with the face}";
    }
}
