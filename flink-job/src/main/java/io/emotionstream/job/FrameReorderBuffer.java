package io.emotionstream.job;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Puts one camera's face frames in order before they become clips, free of Flink ({@link ClipAssembler} keeps the
 * camera's {@link ClipAssembler.CameraClock} and waiting frames in keyed state and hands them in).
 *
 * <p>Event time is kept per camera, so that one camera's clock or delays never hold back or outdate another's. A frame
 * that continues the camera's sequence (the next number, captured no earlier) is released at once. Others wait until
 * the frames before them came or the camera has sent a frame {@code maxOutOfOrderMillis} newer; then they are released
 * in (capture time, sequence) order, so frames that arrive out of order within that bound are put right. A frame older
 * than what was released is late. A frame sent again (its sequence and capture time lie within the unbroken run of
 * sequence numbers released last) is dropped and counted, never released twice.
 */
final class FrameReorderBuffer {
    /** What became of the frames offered: those released in order, the offered frame if it was late, repeats. */
    static final class Result {
        final List<FaceFrame> released = new ArrayList<>();
        FaceFrame late;
        int duplicates;
        /** Whether the waiting frames changed (to be written back). */
        boolean waitingChanged;
    }

    private final long maxOutOfOrderMillis;

    FrameReorderBuffer(long maxOutOfOrderMillis) {
        this.maxOutOfOrderMillis = maxOutOfOrderMillis;
    }

    /**
     * Offers the camera's next frame as it arrived.
     *
     * @param waiting the camera's waiting frames; changed in place
     */
    Result offer(ClipAssembler.CameraClock camera, List<FaceFrame> waiting, FaceFrame frame) {
        Result result = new Result();
        if (frame.captureTimeMillis <= camera.takenUpTo) {
            if (camera.seen(frame.sequence, frame.captureTimeMillis)) {
                result.duplicates++;
            } else {
                result.late = frame;
            }
            return result;
        }
        waiting.add(frame);
        result.waitingChanged = true;
        camera.newestCapture = Math.max(camera.newestCapture, frame.captureTimeMillis);
        releaseUpTo(camera, waiting, camera.newestCapture - maxOutOfOrderMillis, result);
        releaseSequence(camera, waiting, result);
        return result;
    }

    /** Releases every waiting frame, in order: the camera went silent, or the input ended. */
    Result releaseAll(ClipAssembler.CameraClock camera, List<FaceFrame> waiting) {
        Result result = new Result();
        releaseUpTo(camera, waiting, camera.newestCapture, result);
        return result;
    }

    /** Releases the waiting frames captured up to {@code upTo}, in capture order. */
    private static void releaseUpTo(ClipAssembler.CameraClock camera, List<FaceFrame> waiting, long upTo,
                                    Result result) {
        if (upTo <= camera.takenUpTo) {
            return;
        }
        camera.takenUpTo = upTo;
        List<FaceFrame> due = new ArrayList<>();
        List<FaceFrame> later = new ArrayList<>();
        for (FaceFrame f : waiting) {
            (f.captureTimeMillis <= upTo ? due : later).add(f);
        }
        if (due.isEmpty()) {
            return;
        }
        replace(waiting, later, result);
        due.sort(Comparator.comparingLong((FaceFrame f) -> f.captureTimeMillis).thenComparingLong(f -> f.sequence));
        for (FaceFrame frame : due) {
            release(camera, frame, result);
        }
    }

    /**
     * Releases at once the waiting frames that continue the camera's sequence: no frame can come between them, so they
     * need not wait for a newer one. Frames that came in order thus go on without delay; only those after a gap wait.
     */
    private static void releaseSequence(ClipAssembler.CameraClock camera, List<FaceFrame> waiting, Result result) {
        if (camera.runFirstSequence < 0) {
            return; // the camera's first frames wait: an earlier one may still come
        }
        List<FaceFrame> sorted = new ArrayList<>(waiting);
        sorted.sort(Comparator.comparingLong(f -> f.sequence));
        List<FaceFrame> left = new ArrayList<>();
        for (FaceFrame frame : sorted) {
            if (frame.sequence == camera.lastSequence + 1 && frame.captureTimeMillis >= camera.lastTime
                    && frame.captureTimeMillis > camera.takenUpTo) {
                camera.takenUpTo = frame.captureTimeMillis;
                release(camera, frame, result);
            } else {
                left.add(frame);
            }
        }
        if (left.size() < sorted.size()) {
            replace(waiting, left, result);
        }
    }

    /** A frame released, unless the camera sent it already (then it must not end a clip). */
    private static void release(ClipAssembler.CameraClock camera, FaceFrame frame, Result result) {
        if (camera.seen(frame.sequence, frame.captureTimeMillis)) {
            result.duplicates++;
            return;
        }
        camera.taken(frame);
        result.released.add(frame);
    }

    private static void replace(List<FaceFrame> waiting, List<FaceFrame> with, Result result) {
        waiting.clear();
        waiting.addAll(with);
        result.waitingChanged = true;
    }
}
