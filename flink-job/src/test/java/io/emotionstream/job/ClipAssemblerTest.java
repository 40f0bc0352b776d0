package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.job.ClipBuilder.DropReason;
import io.emotionstream.schema.DeadLetterReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ClipAssembler in Flink's keyed operator test harness: order, stride, gaps, frames without faces, state. */
class ClipAssemblerTest {
    private static final int LENGTH = 30;
    private static final long FRAME_MS = 40; // 25 fps
    private KeyedOneInputStreamOperatorTestHarness<String, FaceFrame, FaceClip> harness;
    private ClipAssembler assembler;

    private void open(ClipSettings settings) throws Exception {
        assembler = new ClipAssembler(settings);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(assembler), f -> f.cameraId, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void putsFramesThatArriveOutOfOrderBackInOrder() throws Exception {
        open(ClipSettings.defaults(LENGTH));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 34; i += 2) {
            order.add(i + 1);
            order.add(i);
        }
        for (int seq : order) {
            send(face("a", seq));
        }
        endOfInput();
        List<FaceClip> clips = clips();
        assertEquals(1, clips.size());
        FaceClip clip = clips.get(0);
        assertEquals(0, clip.firstSequence);
        assertEquals(29, clip.lastSequence);
        assertEquals(time(0), clip.startTimeMillis);
        assertEquals(time(29), clip.endTimeMillis);
        for (int i = 0; i < LENGTH; i++) {
            assertEquals(i, clip.crop(i).pixels()[0], "frame " + i + " in place");
        }
    }

    @Test
    void strideMakesOverlappingClips() throws Exception {
        open(new ClipSettings(LENGTH, 10, 5, 1_000, 6, 500, 2_000, 30_000));
        for (int seq = 0; seq < 50; seq++) {
            send(face("a", seq));
        }
        endOfInput();
        List<FaceClip> clips = clips();
        assertEquals(List.of(0L, 10L, 20L), clips.stream().map(c -> c.firstSequence).toList());
        assertEquals(List.of(29L, 39L, 49L), clips.stream().map(c -> c.lastSequence).toList());
    }

    @Test
    void lostFramesOrATimeGapEndThePartialClip() throws Exception {
        open(ClipSettings.defaults(LENGTH));
        for (int seq = 0; seq < 10; seq++) {
            send(face("a", seq));
        }
        for (int seq = 20; seq < 70; seq++) { // 10 frames lost: more than 5; too late for the clip of 0-29
            send(face("a", seq));
        }
        for (int seq = 70; seq < 130; seq++) { // time jumps by 2 s at frame 70: too late for the clip of 60-89
            FaceFrame f = face("a", seq);
            f.captureTimeMillis += 2_000;
            send(f);
        }
        endOfInput();
        assertEquals(List.of(30L, 90L), clips().stream().map(c -> c.firstSequence).toList());
        assertDropped(Map.of(DropReason.DROPPED_FRAMES, 1L, DropReason.TIME_GAP, 1L));
    }

    @Test
    void holdsTheLastFaceThroughAFewFramesWithoutOneAndDropsTheClipAfterTooMany() throws Exception {
        open(ClipSettings.defaults(LENGTH)); // at most 6 frames without a face
        for (int seq = 0; seq < 30; seq++) {
            send(seq >= 10 && seq < 13 ? FaceFrame.withoutFace("a", seq, time(seq)) : face("a", seq));
        }
        for (int seq = 30; seq < 90; seq++) {
            send(seq >= 35 && seq < 42 ? FaceFrame.withoutFace("a", seq, time(seq)) : face("a", seq));
        }
        endOfInput();
        List<FaceClip> clips = clips();
        assertEquals(2, clips.size());
        FaceClip first = clips.get(0);
        assertEquals(27, first.framesWithFace);
        assertEquals(9, first.crop(10).pixels()[0], "a frame without a face holds the last face");
        assertEquals(9, first.crop(12).pixels()[0]);
        assertEquals(13, first.crop(13).pixels()[0]);
        assertEquals(60, clips.get(1).firstSequence, "after 7 faceless frames the face's clips go on with the next");
        assertDropped(Map.of(DropReason.NO_FACE, 1L));
    }

    @Test
    void eachFaceTrackGetsItsOwnClipsAndAFaceThatLeavesEndsItsClip() throws Exception {
        open(ClipSettings.defaults(LENGTH));
        for (int seq = 0; seq < 60; seq++) {
            // face 1 stays; face 2 leaves after frame 19; face 3 comes in at frame 12
            List<Integer> tracks = new ArrayList<>(List.of(1));
            if (seq < 20) {
                tracks.add(2);
            }
            if (seq >= 12) {
                tracks.add(3);
            }
            send(faces("a", seq, tracks.stream().mapToInt(Integer::intValue).toArray()));
        }
        endOfInput();
        List<FaceClip> clips = clips();
        assertEquals(List.of("1:0", "1:30", "3:30"), clips.stream().map(c -> c.faceTrack + ":" + c.firstSequence)
                .toList(), "face 3 came too late for the clip of 0-29");
        FaceClip first = clips.get(0);
        assertEquals(1, first.faceTrack);
        assertEquals(0, first.firstSequence);
        assertEquals(29, first.lastSequence);
        assertEquals(2, first.facesInView, "faces 1 and 3 in the clip's last frame");
        assertEquals(5, first.crop(5).pixels()[0], "face 1's own crop");
        FaceClip third = clips.get(2);
        assertEquals(59, third.lastSequence);
        assertEquals(30, third.framesWithFace);
        assertEquals((byte) (30 + 100), third.crop(0).pixels()[0], "face 3's own crop");
        assertDropped(Map.of(DropReason.NO_FACE, 1L)); // face 2's clip, 20 frames in, ended when it left
    }

    @Test
    void aRestartedSequenceStartsAFreshClip() throws Exception {
        open(ClipSettings.defaults(LENGTH));
        for (int seq = 0; seq < 20; seq++) {
            send(face("a", seq));
        }
        for (int seq = 0; seq < 30; seq++) { // the agent restarted: sequence from 0, time goes on
            FaceFrame f = face("a", seq);
            f.captureTimeMillis = time(20 + seq);
            send(f);
        }
        endOfInput();
        List<FaceClip> clips = clips();
        assertEquals(1, clips.size());
        assertEquals(time(20), clips.get(0).startTimeMillis);
        assertDropped(Map.of(DropReason.SEQUENCE_RESET, 1L));
    }

    @Test
    void aCropOfAnotherSizeStartsAFreshClip() throws Exception {
        open(ClipSettings.defaults(LENGTH));
        for (int seq = 0; seq < 10; seq++) {
            send(face("a", seq));
        }
        for (int seq = 10; seq < 60; seq++) { // the face stage's crop size changed (another model)
            send(FaceFrame.withFaces("a", seq, time(seq), new FaceFrame.Face(1, 3, 3, 3, new byte[3 * 3 * 3])));
        }
        endOfInput();
        List<FaceClip> clips = clips();
        assertEquals(1, clips.size());
        assertEquals(30, clips.get(0).firstSequence, "the next clip on the grid");
        assertEquals(3, clips.get(0).cropWidth);
        assertDropped(Map.of(DropReason.CROP_SIZE_CHANGE, 1L));
    }

    @Test
    void camerasAreAssembledApart() throws Exception {
        open(ClipSettings.defaults(LENGTH));
        for (int seq = 0; seq < 30; seq++) {
            send(face("a", seq));
            if (seq < 20) {
                send(face("b", seq));
            }
        }
        endOfInput();
        List<FaceClip> clips = clips();
        assertEquals(1, clips.size());
        assertEquals("a", clips.get(0).cameraId);
    }

    @Test
    void framesInSequenceGoOnAtOnceAndFramesAfterAGapWaitForANewerOne() throws Exception {
        open(ClipSettings.defaults(LENGTH)); // 500 ms: frames after a gap wait 500 ms of arrival (13 frames)
        for (int seq = 0; seq < 30; seq++) {
            send(face("a", seq));
        }
        assertEquals(List.of(0L), clips().stream().map(c -> c.firstSequence).toList(),
                "frames continuing the sequence are taken in as they come: frame 29 ends the clip at once");
        for (int seq = 30; seq < 72; seq++) {
            if (seq != 58) { // lost
                send(face("a", seq));
            }
        }
        assertEquals(List.of(0L), clips().stream().map(c -> c.firstSequence).toList(),
                "after the lost frame 58, frame 59 waits until the camera sent 500 ms more");
        send(face("a", 72));
        assertEquals(List.of(0L, 30L), clips().stream().map(c -> c.firstSequence).toList());
        assertEquals(59, clips().get(1).lastSequence, "frames 30 to 59, 58 lost");
    }

    @Test
    void aLateFrameGoesToTheSideOutputOnItsOwn() throws Exception {
        open(ClipSettings.defaults(LENGTH));
        for (int seq = 0; seq < 50; seq++) {
            if (seq != 20) { // delayed: the camera's frames after it are taken in past it after 500 ms
                send(face("a", seq));
            }
        }
        send(face("a", 20));
        for (int seq = 50; seq < 70; seq++) {
            send(face("a", seq));
        }
        List<Rejection> refused = refused();
        assertEquals(1, refused.size());
        assertEquals(DeadLetterReason.LATE_FRAME, refused.get(0).reason);
        assertTrue(refused.get(0).detail.startsWith("frame 20 "), refused.get(0).detail);
        assertEquals(List.of(0L, 30L), clips().stream().map(c -> c.firstSequence).toList(),
                "the frames after the late one are not late (the first clip: 0 to 29 without 20)");
    }

    @Test
    void aFrameStampedFiveSecondsAheadIsRetimedAndTheFramesAfterItAreNotLate() throws Exception {
        open(ClipSettings.defaults(LENGTH));
        for (int seq = 0; seq < 300; seq++) {
            FaceFrame f = face("a", seq);
            if (seq % 100 == 50) {
                f.captureTimeMillis += 5_000; // a glitchy clock: one frame in 100
            }
            send(f);
        }
        endOfInput();
        assertEquals(10, clips().size(), "300 frames, 10 clips");
        assertEquals(3, assembler.framesRetimed());
        assertEquals(List.of(), refused());
        assertDropped(Map.of());
    }

    @Test
    void aClockThatStepsBackAnHourStartsAFreshClipAndCarriesOn() throws Exception {
        open(ClipSettings.defaults(LENGTH));
        for (int seq = 0; seq < 165; seq++) {
            FaceFrame f = face("a", seq);
            if (seq >= 15) {
                f.captureTimeMillis -= 3_600_000; // NTP corrected the camera's clock
            }
            send(f);
        }
        endOfInput();
        assertEquals(List.of(30L, 60L, 90L, 120L), clips().stream().map(c -> c.firstSequence).toList(),
                "after the step the camera's clips go on with the next one on its grid");
        assertEquals(List.of(), refused());
        assertDropped(Map.of(DropReason.CLOCK_STEP, 1L)); // the 15 frames before the step
    }

    @Test
    void framesWithTheSameCaptureTimeAreTakenIn() throws Exception {
        open(ClipSettings.defaults(LENGTH));
        for (int seq = 0; seq < 60; seq++) {
            FaceFrame f = face("a", seq);
            f.captureTimeMillis = time(seq - seq % 3); // a coarse clock: three frames a tick
            send(f);
        }
        endOfInput();
        assertEquals(2, clips().size());
        assertEquals(List.of(), refused());
    }

    @Test
    void aCameraWhoseClockRunsAheadNeverHoldsBackAnother() throws Exception {
        open(ClipSettings.defaults(LENGTH));
        FaceFrame future = face("b", 0);
        future.captureTimeMillis = 4_102_444_800_000L; // 2100-01-01
        send(future);
        for (int seq = 0; seq < 60; seq++) {
            send(face("a", seq));
            send(face("c", seq));
        }
        assertEquals(List.of("a", "a", "c", "c"), clips().stream().map(c -> c.cameraId).sorted().toList());
        assertEquals(List.of(), refused(), "no frame of a or c is late");
    }

    @Test
    void aRepeatedFrameIsDroppedAndCountedWithoutEndingTheClip() throws Exception {
        open(ClipSettings.defaults(LENGTH));
        for (int seq = 0; seq < 45; seq++) {
            send(face("a", seq));
            if (seq == 14) {
                send(face("a", 14)); // waiting: both copies are taken in together
            }
        }
        send(face("a", 31)); // taken in already (the camera is at frame 44), in the clip in progress
        send(face("a", 3)); // taken in long ago, in the clip already emitted
        endOfInput();
        assertEquals(List.of(0L), clips().stream().map(c -> c.firstSequence).toList());
        assertEquals(29L, clips().get(0).lastSequence);
        assertEquals(3, assembler.duplicateFrames());
        assertEquals(List.of(), refused(), "a repeat is not a late frame");
        assertDropped(Map.of());
    }

    @Test
    void aSilentCameraHasItsWaitingFramesTakenInSoItsLastClipComesOut() throws Exception {
        open(ClipSettings.defaults(LENGTH)); // release after 2 s
        harness.setProcessingTime(0);
        for (int seq = 0; seq < 31; seq++) {
            if (seq != 28) { // lost: frames 29 and 30 wait for newer ones
                send(face("a", seq));
            }
        }
        long last = harness.getProcessingTime();
        harness.setProcessingTime(last + 1_500);
        assertEquals(0, clips().size(), "the last frames wait for newer ones");
        harness.setProcessingTime(last + 2_000);
        assertEquals(List.of(0L), clips().stream().map(c -> c.firstSequence).toList());
    }

    @Test
    void aCameraThatResumesAfterARelease() throws Exception {
        open(ClipSettings.defaults(LENGTH)); // release after 2 s, idle after 30 s
        harness.setProcessingTime(0);
        for (int seq = 0; seq < 45; seq++) {
            send(face("a", seq));
        }
        harness.setProcessingTime(3_000); // a clip and a half taken in
        harness.setProcessingTime(5_000);
        for (int seq = 45; seq < 60; seq++) {
            send(face("a", seq));
        }
        harness.setProcessingTime(7_000);
        assertEquals(List.of(0L, 30L), clips().stream().map(c -> c.firstSequence).toList(),
                "its last clip comes 2 s after it went quiet again, not at the idle timeout");
    }

    @Test
    void theTimeAJobWasDownIsNotACamerasSilence() throws Exception {
        open(ClipSettings.defaults(LENGTH));
        harness.setProcessingTime(0);
        for (int seq = 0; seq < 5; seq++) {
            send(face("a", seq));
        }
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);
        harness.close();

        assembler = new ClipAssembler(ClipSettings.defaults(LENGTH));
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(assembler), f -> f.cameraId, Types.STRING);
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(60_000); // restored a minute later: its timers are long overdue
        for (int seq = 5; seq < 45; seq++) { // the frames after the checkpoint, replayed
            send(face("a", seq));
        }
        assertEquals(List.of(0L), clips().stream().map(c -> c.firstSequence).toList(), "the clip kept its first frames");
        assertDropped(Map.of());
    }

    @Test
    void aQuietCameraHasItsStateCleared() throws Exception {
        open(new ClipSettings(LENGTH, LENGTH, 5, 1_000, 6, 500, 2_000, 5_000));
        harness.setProcessingTime(0);
        for (int seq = 0; seq < 42; seq++) {
            send(face("a", seq));
        }
        harness.setProcessingTime(4_000); // frames taken in: a clip and a partial clip of 12
        assertTrue(harness.numKeyedStateEntries() > 0);
        harness.setProcessingTime(6_000);
        assertTrue(harness.numKeyedStateEntries() > 0, "not idle yet");
        harness.setProcessingTime(7_000);
        assertEquals(0, harness.numKeyedStateEntries(), "partial clip and state dropped");
        assertEquals(1, clips().size());
        assertDropped(Map.of(DropReason.CAMERA_IDLE, 1L));
    }

    @Test
    void aCameraIdSeenOnceIsForgottenAtTheRelease() throws Exception {
        open(ClipSettings.defaults(LENGTH)); // release after 2 s, idle after 30 s
        harness.setProcessingTime(0);
        for (int camera = 0; camera < 100; camera++) {
            send(face("flood-" + camera, 0));
        }
        assertTrue(harness.numKeyedStateEntries() > 0);
        harness.setProcessingTime(7_000);
        assertEquals(0, harness.numKeyedStateEntries(), "nothing is kept of 100 camera ids seen once");
        assertDropped(Map.of(DropReason.CAMERA_IDLE, 100L));
    }

    /** The drop counters: the reasons given have these counts, every other reason none. */
    private void assertDropped(Map<DropReason, Long> expected) {
        for (DropReason reason : DropReason.values()) {
            assertEquals(expected.getOrDefault(reason, 0L), assembler.clipsDropped(reason), reason.name());
        }
    }

    /** The end of a bounded input: the only watermark the job's source emits. */
    private void endOfInput() throws Exception {
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
    }

    /** A frame as it arrives: 40 ms of processing time after the one before (a camera at 25 fps). */
    private void send(FaceFrame frame) throws Exception {
        harness.setProcessingTime(harness.getProcessingTime() + FRAME_MS);
        harness.processElement(new StreamRecord<>(frame, frame.captureTimeMillis));
    }

    private List<FaceClip> clips() {
        return harness.extractOutputValues();
    }

    /** The frames refused on their own so far. */
    private List<Rejection> refused() {
        ConcurrentLinkedQueue<StreamRecord<Rejection>> side = harness.getSideOutput(ClipAssembler.REFUSED_FRAMES);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    private static long time(long seq) {
        return 1_000_000 + seq * FRAME_MS;
    }

    /** A frame with a face (track 1) whose 2x2 crop is filled with its sequence number. */
    private static FaceFrame face(String camera, int seq) {
        return faces(camera, seq, 1);
    }

    /** A frame with a face of each track: its 2x2 crop is filled with the sequence number plus 50 times the track. */
    private static FaceFrame faces(String camera, int seq, int... tracks) {
        FaceFrame.Face[] faces = new FaceFrame.Face[tracks.length];
        for (int i = 0; i < tracks.length; i++) {
            byte[] crop = new byte[2 * 2 * 3];
            Arrays.fill(crop, (byte) (seq + 50 * (tracks[i] - 1)));
            faces[i] = new FaceFrame.Face(tracks[i], 2, 2, 3, crop);
        }
        return FaceFrame.withFaces(camera, seq, time(seq), faces);
    }
}
