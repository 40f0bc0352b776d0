package io.emotionstream.job;

import io.emotionstream.schema.DeadLetterReason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Puts one camera's face frames in order before they become clips, free of Flink ({@link ClipAssembler} keeps the
 * camera's {@link ClipAssembler.CameraClock} and waiting frames in keyed state and hands them in, with the time they
 * arrive). The order is the camera's own sequence numbers, never its clock, so that one frame with a wrong time cannot
 * make the frames after it late:
 * <ul>
 *   <li>A frame that continues the sequence is released at once. Frames after a gap wait until it is filled, until the
 *   camera's sequence has not moved for {@code maxOutOfOrderMillis} of arrival time, or until
 *   {@value #MAX_WAITING} frames wait; then they are released in sequence order past the gap. A camera's first frames
 *   wait the same way, so that frames arriving out of order from the start are put right too.</li>
 *   <li>A frame sent again is dropped and counted. One whose place has passed is late ({@code LATE_FRAME}), on its
 *   own. One more than {@value #MAX_AHEAD} frames ahead of a camera whose sequence is moving is out of place
 *   ({@code OUT_OF_PLACE}).</li>
 *   <li>A frame whose capture time disagrees with the frame before it (back in time, or further ahead than
 *   {@code maxTimeGapMillis} a frame) waits for the next one: if that agrees with the earlier frames, the odd frame
 *   was a glitch of the clock and is re-timed between its neighbours (counted); if it agrees with the odd frame, the
 *   camera's clock stepped: the frame is released marked as a step ({@link FaceFrame#clockStep}), which ends a
 *   partial clip, and the camera carries on with its new time. Equal capture times are fine.</li>
 *   <li>A frame back in the sequence but later in time is a camera that restarted (its agent counts from 0 again)
 *   when the next frame continues it; if the old sequence goes on instead, it is out of place.</li>
 * </ul>
 */
final class FrameReorderBuffer {
    /** At most this many frames of a camera wait; beyond, the waiting ones are released past their gaps. */
    static final int MAX_WAITING = 64;
    /** A frame this many sequence numbers ahead of a moving camera is out of place (10 s at 25 fps). */
    static final int MAX_AHEAD = 250;

    /** A frame refused on its own, with the dead-letter reason. */
    record Refused(FaceFrame frame, DeadLetterReason reason, String detail) {}

    /** What became of the frames offered: those released in order, those refused, repeats and re-timed ones. */
    static final class Result {
        final List<FaceFrame> released = new ArrayList<>();
        final List<Refused> refused = new ArrayList<>();
        int duplicates;
        int retimed;
        /** Whether the waiting frames changed (to be written back). */
        boolean waitingChanged;
    }

    private final long maxOutOfOrderMillis;
    private final long maxTimeGapMillis;

    FrameReorderBuffer(long maxOutOfOrderMillis, long maxTimeGapMillis) {
        this.maxOutOfOrderMillis = maxOutOfOrderMillis;
        this.maxTimeGapMillis = maxTimeGapMillis;
    }

    /**
     * Offers the camera's next frame as it arrived.
     *
     * @param waiting the camera's waiting frames; changed in place
     * @param now when it arrived (processing time)
     */
    Result offer(ClipAssembler.CameraClock camera, List<FaceFrame> waiting, FaceFrame frame, long now) {
        Result result = new Result();
        if (camera.lastSequence >= 0 && frame.sequence <= camera.lastSequence) {
            if (camera.seen(frame.sequence, frame.captureTimeMillis)) {
                result.duplicates++;
                return result;
            }
            if (frame.captureTimeMillis <= camera.lastTime) {
                result.refused.add(new Refused(frame, DeadLetterReason.LATE_FRAME, "frame " + frame.sequence
                        + " came after its camera's frames up to " + camera.lastSequence + " had been taken in"));
                return result;
            }
            // back in the sequence, later in time: a restart of the camera, if the next frame continues it
        }
        if (waiting.stream().anyMatch(f -> f.sequence == frame.sequence)) {
            result.duplicates++;
            return result;
        }
        boolean noneWaited = waiting.isEmpty();
        if (noneWaited) {
            camera.waitingSince = now;
        }
        waiting.add(frame);
        drain(camera, waiting, now, false, result);
        // a frame that continues the sequence goes straight through: the (empty) waiting list is not written back
        result.waitingChanged = !(noneWaited && waiting.isEmpty());
        return result;
    }

    /** Releases every waiting frame, in order: the camera went silent, or the input ended. */
    Result releaseAll(ClipAssembler.CameraClock camera, List<FaceFrame> waiting, long now) {
        Result result = new Result();
        drain(camera, waiting, now, true, result);
        return result;
    }

    /**
     * Releases what may go, in sequence order: the frames that continue the camera's sequence, and past a gap the
     * frames that waited long enough (all of them when {@code force}).
     */
    private void drain(ClipAssembler.CameraClock camera, List<FaceFrame> waiting, long now, boolean force,
                       Result result) {
        waiting.sort(Comparator.comparingLong(f -> f.sequence));
        boolean stalled = force || waiting.size() > MAX_WAITING || now - camera.waitingSince >= maxOutOfOrderMillis;
        while (!waiting.isEmpty()) {
            FaceFrame head = waiting.get(0);
            boolean moving = camera.lastSequence >= 0 && now - camera.lastReleasedAt < maxOutOfOrderMillis;
            if (camera.lastSequence >= 0 && head.sequence > camera.lastSequence + MAX_AHEAD && moving && !force) {
                take(waiting, 0, result);
                result.refused.add(new Refused(head, DeadLetterReason.OUT_OF_PLACE, "frame " + head.sequence
                        + " is more than " + MAX_AHEAD + " frames ahead of its camera's " + camera.lastSequence));
                continue;
            }
            boolean continues = camera.lastSequence >= 0 && head.sequence == camera.lastSequence + 1;
            boolean backInSequence = camera.lastSequence >= 0 && head.sequence <= camera.lastSequence;
            if (!continues && !stalled && !backInSequence) {
                return; // a gap: wait for it to fill
            }
            FaceFrame next = waiting.size() > 1 ? waiting.get(1) : null;
            if (backInSequence) {
                if (next == null && !force) {
                    return; // a restart, or a stray frame: the next frame tells
                }
                take(waiting, 0, result);
                if (next != null && next.sequence != head.sequence + 1 && !force) {
                    result.refused.add(new Refused(head, DeadLetterReason.OUT_OF_PLACE, "frame " + head.sequence
                            + " lies back in its camera's sequence (at " + camera.lastSequence + ") but later in "
                            + "time, and the camera did not restart"));
                    continue;
                }
                head.clockStep = true; // the camera restarted: a new run
                release(camera, head, now, result);
                continue;
            }
            if (camera.lastSequence >= 0 && !agrees(camera.lastSequence, camera.lastTime, head)) {
                if (next == null && !force) {
                    return; // a glitch of the clock, or a step: the next frame tells
                }
                if (next != null && agrees(camera.lastSequence, camera.lastTime, next)) {
                    long span = next.sequence - camera.lastSequence;
                    head.captureTimeMillis = camera.lastTime + (next.captureTimeMillis - camera.lastTime)
                            * (head.sequence - camera.lastSequence) / span;
                    result.retimed++;
                } else {
                    head.clockStep = true;
                }
            }
            take(waiting, 0, result);
            release(camera, head, now, result);
            stalled = stalled && !waiting.isEmpty();
        }
    }

    /** Whether a frame's capture time fits the camera's frame before it: not back, not too far ahead. */
    private boolean agrees(long lastSequence, long lastTime, FaceFrame frame) {
        long elapsed = frame.captureTimeMillis - lastTime;
        return elapsed >= 0 && elapsed <= maxTimeGapMillis * Math.max(1, frame.sequence - lastSequence);
    }

    private static void take(List<FaceFrame> waiting, int index, Result result) {
        waiting.remove(index);
        result.waitingChanged = true;
    }

    private static void release(ClipAssembler.CameraClock camera, FaceFrame frame, long now, Result result) {
        camera.taken(frame);
        camera.lastReleasedAt = now;
        camera.waitingSince = now;
        result.released.add(frame);
    }
}
