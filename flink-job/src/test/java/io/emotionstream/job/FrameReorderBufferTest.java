package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One camera's frames put in order, on plain objects: sequence runs at once, gaps within a bound, late and repeated. */
class FrameReorderBufferTest {
    private static final long FRAME_MS = 40;
    private final FrameReorderBuffer buffer = new FrameReorderBuffer(500);
    private final ClipAssembler.CameraClock camera = new ClipAssembler.CameraClock();
    private final List<FaceFrame> waiting = new ArrayList<>();

    private static FaceFrame frame(long sequence) {
        return FaceFrame.withoutFace("cam", sequence, 1_000_000 + sequence * FRAME_MS);
    }

    private List<Long> offer(long... sequences) {
        List<Long> released = new ArrayList<>();
        for (long sequence : sequences) {
            buffer.offer(camera, waiting, frame(sequence)).released.forEach(f -> released.add(f.sequence));
        }
        return released;
    }

    @Test
    void theFirstFramesWaitForANewerOneThenASequenceGoesOnAtOnce() {
        assertEquals(List.of(), offer(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), "an earlier frame may still come");
        assertEquals(13, waiting.size());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L), offer(13),
                "frame 13 is 520 ms newer than frame 0: the run from 0 goes");
        assertEquals(List.of(14L), offer(14), "the next number goes at once");
        assertEquals(0, waiting.size());
    }

    @Test
    void framesOutOfOrderWithinTheBoundComeOutInOrder() {
        offer(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
        assertEquals(List.of(), offer(16, 15), "after a gap they wait");
        assertEquals(List.of(14L, 15L, 16L), offer(14), "the missing frame lets the run go");
    }

    @Test
    void anOlderFrameIsLateAndARepeatIsCountedNotReleased() {
        offer(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33);
        FaceFrame late = frame(15);
        FrameReorderBuffer.Result result = buffer.offer(camera, waiting, late);
        assertSame(late, result.late, "frame 15 came after frames 500 ms newer than it had gone");
        FrameReorderBuffer.Result repeat = buffer.offer(camera, waiting, frame(33));
        assertNull(repeat.late);
        assertEquals(1, repeat.duplicates);
        assertEquals(List.of(), repeat.released);
    }

    @Test
    void releaseAllTakesTheWaitingFramesInOrder() {
        offer(2, 0, 1);
        FrameReorderBuffer.Result result = buffer.releaseAll(camera, waiting);
        assertEquals(List.of(0L, 1L, 2L), result.released.stream().map(f -> f.sequence).toList());
        assertEquals(0, waiting.size());
    }
}
