package io.emotionstream.face;

/**
 * A face found by dlib: its detection score, bounding box and the 68 landmarks of dlib's shape predictor (points
 * 36-41 outline the eye on the image's left, 42-47 the eye on its right), in pixels of the frame it was found in.
 */
public record DetectedFace(float score, int x, int y, int width, int height, float[] landmarks) {
    public static final int LANDMARKS = 68;

    public DetectedFace {
        if (landmarks.length != 2 * LANDMARKS) {
            throw new IllegalArgumentException("expected " + 2 * LANDMARKS + " landmark coordinates, got " + landmarks.length);
        }
    }

    public float landmarkX(int point) {
        return landmarks[2 * point];
    }

    public float landmarkY(int point) {
        return landmarks[2 * point + 1];
    }

    /** Centre of the eye on the image's left (the person's right eye): mean of points 36-41. */
    public float[] leftEye() {
        return mean(36, 42);
    }

    /** Centre of the eye on the image's right: mean of points 42-47. */
    public float[] rightEye() {
        return mean(42, 48);
    }

    private float[] mean(int from, int to) {
        float sx = 0;
        float sy = 0;
        for (int i = from; i < to; i++) {
            sx += landmarkX(i);
            sy += landmarkY(i);
        }
        return new float[] {sx / (to - from), sy / (to - from)};
    }
}
