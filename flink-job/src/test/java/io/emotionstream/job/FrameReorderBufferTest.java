package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.schema.DeadLetterReason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One camera's frames put in order by their sequence numbers, on plain objects: the cases of an operator's worst week
 * (a clock that jumps for one frame, steps back an hour, stamps frames alike, a camera that restarts, frames forged far
 * ahead), none of which may make the real frames after it late.
 */
class FrameReorderBufferTest {
    private static final long FRAME_MS = 40;
    private final FrameReorderBuffer buffer = new FrameReorderBuffer(500, 1_000);
    private final ClipAssembler.CameraClock camera = new ClipAssembler.CameraClock();
    private final List<FaceFrame> waiting = new ArrayList<>();
    private final List<FaceFrame> released = new ArrayList<>();
    private final List<FrameReorderBuffer.Refused> refused = new ArrayList<>();
    private int retimed;
    private int duplicates;
    /** Arrival time: frames come every 40 ms. */
    private long now = 5_000;

    private static FaceFrame frame(long sequence) {
        return FaceFrame.withoutFace("cam", sequence, 1_000_000 + sequence * FRAME_MS);
    }

    private void offer(FaceFrame frame) {
        now += FRAME_MS;
        FrameReorderBuffer.Result result = buffer.offer(camera, waiting, frame, now);
        released.addAll(result.released);
        refused.addAll(result.refused);
        retimed += result.retimed;
        duplicates += result.duplicates;
    }

    private void offer(long from, long to) {
        for (long s = from; s < to; s++) {
            offer(frame(s));
        }
    }

    private List<Long> releasedSequences() {
        return released.stream().map(f -> f.sequence).toList();
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s < to; s++) {
            out.add(s);
        }
        return out;
    }

    @Test
    void theFirstFramesWaitHalfASecondThenTheSequenceGoesOnAtOnce() {
        offer(0, 12);
        assertEquals(List.of(), releasedSequences(), "an earlier frame may still come");
        offer(12, 14);
        assertEquals(range(0, 14), releasedSequences(), "500 ms after the first came, the run from 0 goes");
        offer(14, 15);
        assertEquals(range(0, 15), releasedSequences(), "the next number goes at once");
    }

    @Test
    void framesOutOfOrderComeOutInOrderAndAGapIsPassedWhenTheCameraStalls() {
        for (long s = 0; s < 40; s += 2) {
            offer(frame(s + 1));
            offer(frame(s));
        }
        offer(41, 45); // 40 is lost
        assertEquals(range(0, 40), releasedSequences());
        offer(45, 60);
        assertEquals(59, released.get(released.size() - 1).sequence, "500 ms without frame 40: past the gap");
        assertTrue(refused.isEmpty());
    }

    @Test
    void oneFrameStampedFiveSecondsAheadIsRetimedAndNoFrameIsLate() {
        offer(0, 20);
        for (long s = 20; s < 300; s++) { // one frame in a hundred with a glitchy clock: +5 s
            FaceFrame f = frame(s);
            if (s % 100 == 50) {
                f.captureTimeMillis += 5_000;
            }
            offer(f);
        }
        assertEquals(range(0, 300), releasedSequences());
        assertEquals(3, retimed);
        assertTrue(refused.isEmpty(), refused.toString());
        assertEquals(1_000_000 + 150 * FRAME_MS, released.get(150).captureTimeMillis, "re-timed between its neighbours");
        assertFalse(released.stream().anyMatch(f -> f.clockStep));
    }

    @Test
    void aClockThatStepsBackAnHourStartsANewClipAndCarriesOn() {
        offer(0, 100);
        for (long s = 100; s < 250; s++) {
            FaceFrame f = frame(s);
            f.captureTimeMillis -= 3_600_000;
            offer(f);
        }
        assertEquals(range(0, 250), releasedSequences());
        assertTrue(refused.isEmpty(), "not one frame late: " + refused.size());
        assertEquals(List.of(100L), released.stream().filter(f -> f.clockStep).map(f -> f.sequence).toList());
    }

    @Test
    void framesWithTheSameCaptureTimeAreFine() {
        for (long s = 0; s < 60; s++) {
            FaceFrame f = frame(s);
            f.captureTimeMillis = 1_000_000 + (s / 3) * 120; // a coarse clock: three frames a tick
            offer(f);
        }
        assertEquals(range(0, 60), releasedSequences());
        assertTrue(refused.isEmpty() && retimed == 0 && duplicates == 0);
    }

    @Test
    void aRestartedCameraCountsFromZeroAgain() {
        offer(0, 200);
        for (long s = 0; s < 50; s++) { // the agent restarted a few seconds later
            FaceFrame f = frame(s);
            f.captureTimeMillis += 200 * FRAME_MS + 3_000;
            offer(f);
        }
        assertEquals(200 + 50, released.size());
        assertEquals(0, released.get(200).sequence);
        assertTrue(released.get(200).clockStep, "a new run ends a partial clip");
        assertTrue(refused.isEmpty());
    }

    @Test
    void framesForgedFarAheadOrBackAreRefusedOnTheirOwn() {
        offer(0, 100);
        FaceFrame ahead = frame(5_000);
        ahead.captureTimeMillis = 1_000_000 + 100 * FRAME_MS + 9_500;
        offer(ahead);
        FaceFrame back = frame(7);
        back.captureTimeMillis = 1_000_000 + 100 * FRAME_MS + 9_500;
        offer(back);
        offer(100, 1_000);
        assertEquals(range(0, 1_000), releasedSequences(), "every real frame, in order");
        assertEquals(List.of(DeadLetterReason.OUT_OF_PLACE, DeadLetterReason.OUT_OF_PLACE),
                refused.stream().map(FrameReorderBuffer.Refused::reason).toList());
    }

    @Test
    void aFrameWhosePlaceHasPassedIsLateAndARepeatIsCounted() {
        offer(0, 40);
        offer(41, 60); // 40 lost: past the gap after the stall
        offer(frame(40)); // comes after all
        offer(frame(45)); // sent again
        assertEquals(List.of(DeadLetterReason.LATE_FRAME), refused.stream().map(FrameReorderBuffer.Refused::reason).toList());
        assertEquals(1, duplicates);
    }

    @Test
    void releaseAllTakesTheWaitingFramesInOrder() {
        offer(frame(2));
        offer(frame(0));
        offer(frame(1));
        released.addAll(buffer.releaseAll(camera, waiting, now).released);
        assertEquals(List.of(0L, 1L, 2L), releasedSequences());
        assertEquals(0, waiting.size());
    }
}
