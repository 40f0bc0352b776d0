package io.emotionstream.face;

import io.emotionstream.image.ImageFrame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * dlib's HOG frontal face detector and 68-point shape predictor, through the project's JNI bridge. One instance per
 * thread: the detector is not thread-safe (the landmark model is loaded once per process and shared). Close it to
 * free the native detector. The bridge reads dlib's landmark model into a compact layout of its own
 * ({@code landmark_model.h}) that fits the same points, bit for bit, about three times faster.
 */
public final class DlibFaceDetector implements AutoCloseable {
    /** Where Debian's libdlib-data puts the 68-point landmark model. */
    public static final Path DEBIAN_LANDMARK_MODEL = Path.of("/usr/share/dlib/shape_predictor_68_face_landmarks.dat");

    /**
     * @param upsample times the frame is doubled in size before detection: 0 finds faces from about 80 px, 1 from
     *     about 40 px at four times the cost
     * @param minScore detections scoring below this are dropped (dlib's low scores are mostly false positives)
     */
    public record Options(Path landmarkModel, int upsample, double minScore) {
        public static final int DEFAULT_UPSAMPLE = 0;
        public static final double DEFAULT_MIN_SCORE = 0.2;

        public Options {
            if (upsample < 0 || upsample > 2) {
                throw new IllegalArgumentException("upsample must be 0, 1 or 2, got " + upsample);
            }
        }

        public static Options defaults() {
            return new Options(DEBIAN_LANDMARK_MODEL, DEFAULT_UPSAMPLE, DEFAULT_MIN_SCORE);
        }
    }

    private static final int VALUES_PER_FACE;

    /** Set to false to load the bridge built for any x86-64 even where AVX2 is there. */
    public static final String AVX2_PROPERTY = "emotionstream.dlib.avx2";
    /** Whether the bridge in use was built for AVX2 and FMA. */
    public static final boolean AVX2;

    static {
        AVX2 = !"false".equals(System.getProperty(AVX2_PROPERTY)) && NativeLibrary.cpuHas("avx2", "fma")
                && NativeLibrary.packaged("emotionstream_dlib_avx2");
        NativeLibrary.load(AVX2 ? "emotionstream_dlib_avx2" : "emotionstream_dlib");
        VALUES_PER_FACE = valuesPerFace();
    }

    private final Options options;
    private long handle;

    public DlibFaceDetector(Options options) {
        if (!Files.isReadable(options.landmarkModel())) {
            throw new IllegalStateException("dlib's 68-point landmark model is missing at " + options.landmarkModel()
                    + " (apt-get install libdlib-data, or name the file)");
        }
        this.options = options;
        this.handle = create(options.landmarkModel().toString());
    }

    /** Faces in the frame (RGB, or gray: dlib works on gray) with a score of at least the minimum, best first. */
    public List<DetectedFace> detect(ImageFrame frame) {
        if (handle == 0) {
            throw new IllegalStateException("the face detector is closed");
        }
        return faces(detect(handle, frame.pixels(), frame.width(), frame.height(), frame.channels(),
                options.upsample(), options.minScore()));
    }

    /**
     * Faces in a region of the frame only: a face's previous box with {@code margin} times its size around it,
     * scaled so that a face of the box's size is about {@value #TRACKING_FACE_SIZE} pixels wide (what HOG finds best
     * and fastest). Finds the face again at a fraction of a full frame's cost; coordinates are the frame's.
     */
    public List<DetectedFace> detectNear(ImageFrame frame, int left, int top, int width, int height, double margin) {
        if (handle == 0) {
            throw new IllegalStateException("the face detector is closed");
        }
        int extraX = (int) Math.round(width * margin);
        int extraY = (int) Math.round(height * margin);
        double shrink = Math.max(1.0, width / (double) TRACKING_FACE_SIZE);
        return faces(detectIn(handle, frame.pixels(), frame.width(), frame.height(), frame.channels(), left - extraX,
                top - extraY, width + 2 * extraX, height + 2 * extraY, shrink, options.minScore()));
    }

    /**
     * Faces in the whole frame scaled down by {@code shrink} first (landmarks still fitted at full resolution): about
     * shrink squared times cheaper, but a face must then be shrink times larger than the detector's smallest (about
     * 80 px) to be found.
     */
    public List<DetectedFace> detectShrunk(ImageFrame frame, double shrink) {
        if (handle == 0) {
            throw new IllegalStateException("the face detector is closed");
        }
        return faces(detectIn(handle, frame.pixels(), frame.width(), frame.height(), frame.channels(), 0, 0,
                frame.width(), frame.height(), shrink, options.minScore()));
    }

    /**
     * The 68 landmarks fitted on a box of the frame, without detection (a face's box predicted from the previous
     * frame): about half a millisecond, but it finds landmarks whether or not a face is there, so check the result. The
     * points as x, y pairs in pixels of the frame.
     */
    public float[] fit(ImageFrame frame, int left, int top, int width, int height) {
        if (handle == 0) {
            throw new IllegalStateException("the face detector is closed");
        }
        return fitIn(handle, frame.pixels(), frame.width(), frame.height(), frame.channels(), left, top, width, height);
    }

    /**
     * {@link #fit}, by dlib's own shape predictor rather than the bridge's compact copy of it (loaded on first use, a
     * few seconds and 100 MB): for tests that check that both find the same points.
     */
    float[] fitWithDlib(ImageFrame frame, int left, int top, int width, int height) {
        if (handle == 0) {
            throw new IllegalStateException("the face detector is closed");
        }
        return fitWithDlib(handle, frame.pixels(), frame.width(), frame.height(), frame.channels(), left, top, width,
                height);
    }

    /** The face width, in pixels, a region is scaled to for {@link #detectNear}. */
    public static final int TRACKING_FACE_SIZE = 100;

    private static List<DetectedFace> faces(float[] values) {
        List<DetectedFace> faces = new ArrayList<>(values.length / VALUES_PER_FACE);
        for (int at = 0; at + VALUES_PER_FACE <= values.length; at += VALUES_PER_FACE) {
            faces.add(new DetectedFace(values[at], (int) values[at + 1], (int) values[at + 2], (int) values[at + 3],
                    (int) values[at + 4], Arrays.copyOfRange(values, at + 5, at + VALUES_PER_FACE)));
        }
        faces.sort((a, b) -> Float.compare(b.score(), a.score()));
        return faces;
    }

    @Override
    public void close() {
        if (handle != 0) {
            destroy(handle);
            handle = 0;
        }
    }

    private static native long create(String landmarkModel);

    private static native float[] detectIn(long handle, byte[] pixels, int width, int height, int channels, int left,
                                           int top, int regionWidth, int regionHeight, double shrink, double minScore);

    private static native float[] fitIn(long handle, byte[] pixels, int width, int height, int channels, int left,
                                        int top, int boxWidth, int boxHeight);

    private static native float[] fitWithDlib(long handle, byte[] pixels, int width, int height, int channels,
                                              int left, int top, int boxWidth, int boxHeight);

    private static native float[] detect(long handle, byte[] pixels, int width, int height, int channels,
                                         int upsample, double minScore);

    private static native int valuesPerFace();

    private static native void destroy(long handle);
}
