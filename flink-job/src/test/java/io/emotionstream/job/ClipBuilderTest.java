package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.job.ClipBuilder.DropReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A camera's frames, in order, cut into clips per face track, on plain objects. */
class ClipBuilderTest {
    private static final int LENGTH = 30;
    /** The default model's: it reads 4 frames of each clip. */
    private static final ClipGrid SPARSE = new ClipGrid(LENGTH, LENGTH, new int[] {3, 11, 18, 26});
    private final List<FaceClip> clips = new ArrayList<>();
    private final List<DropReason> dropped = new ArrayList<>();
    private final Map<Integer, ClipProgress> inProgress = new HashMap<>();
    private final ClipBuilder.Output output = new ClipBuilder.Output() {
        @Override
        public void clip(FaceClip clip) {
            clips.add(clip);
        }

        @Override
        public void dropped(DropReason reason) {
            dropped.add(reason);
        }
    };

    private static FaceFrame frame(long sequence, long timeMillis, int... tracks) {
        FaceFrame.Face[] faces = new FaceFrame.Face[tracks.length];
        for (int i = 0; i < tracks.length; i++) {
            byte[] crop = new byte[4];
            Arrays.fill(crop, (byte) (sequence + 50 * tracks[i]));
            faces[i] = new FaceFrame.Face(tracks[i], 2, 2, 1, crop);
        }
        return FaceFrame.withFaces("cam", sequence, timeMillis, faces);
    }

    /** The frame as the face stage passes it on for this grid: looked at (with these faces) or passed over. */
    private static FaceFrame frame(ClipGrid grid, long sequence, int... tracks) {
        return grid.looksAt(sequence) ? frame(sequence, sequence * 40L, tracks)
                : FaceFrame.passedOver("cam", sequence, sequence * 40L);
    }

    private static ClipBuilder builder(ClipSettings settings) {
        return new ClipBuilder(settings, ClipGrid.everyFrame(settings));
    }

    @Test
    void eachTrackGetsItsOwnClipsAndStrideOverlapsThem() {
        ClipBuilder builder = builder(new ClipSettings(LENGTH, 10, 5, 1_000, 6, 500, 2_000, 30_000));
        for (int seq = 0; seq < 50; seq++) {
            builder.take(inProgress, seq < 40 ? frame(seq, seq * 40L, 1, 2) : frame(seq, seq * 40L, 1), "cam", output);
        }
        assertEquals(List.of("1:0", "2:0", "1:10", "2:10", "1:20"), clips.stream()
                .map(c -> c.faceTrack + ":" + c.firstSequence).toList());
        FaceClip first = clips.get(1);
        assertEquals(2, first.faceTrack);
        assertEquals(29, first.lastSequence);
        assertEquals((byte) (7 + 100), first.crop(7).pixels()[0], "track 2's own crop of frame 7");
        assertEquals(List.of(DropReason.NO_FACE), dropped, "track 2 left after frame 39: its clip from 30 ends");
        assertEquals(List.of(1), List.copyOf(inProgress.keySet()), "the track that left is forgotten");
    }

    @Test
    void lostFramesAndTimeGapsEndThePartialClip() {
        ClipBuilder builder = builder(ClipSettings.defaults(LENGTH));
        for (int seq = 0; seq < 10; seq++) {
            builder.take(inProgress, frame(seq, seq * 40L, 1), "cam", output);
        }
        builder.take(inProgress, frame(20, 800, 1), "cam", output); // 10 frames lost
        builder.take(inProgress, frame(21, 5_000, 1), "cam", output); // 4 s later
        assertEquals(List.of(DropReason.DROPPED_FRAMES), dropped,
                "the time gap ends a clip that had not begun: nothing of the face is lost");
        assertTrue(clips.isEmpty());
        assertEquals(30, inProgress.get(1).start, "frame 21 is too late for the clip of frames 0-29: the next");
        for (int seq = 22; seq < 60; seq++) {
            builder.take(inProgress, frame(seq, 5_000 + (seq - 21) * 40L, 1), "cam", output);
        }
        assertEquals(List.of(30L), clips.stream().map(c -> c.firstSequence).toList(), "the next clip on the grid");
    }

    @Test
    void onlyTheFramesTheModelReadsAreCroppedAndKept() {
        ClipBuilder builder = new ClipBuilder(ClipSettings.defaults(LENGTH), SPARSE);
        for (int seq = 0; seq < 2 * LENGTH; seq++) {
            builder.take(inProgress, frame(SPARSE, seq, 1), "cam", output);
        }
        assertEquals(List.of("3-29", "30-59"), clips.stream().map(c -> c.firstSequence + "-" + c.lastSequence).toList(),
                "a face's first clip starts at its first frame, its next clips follow on whole");
        FaceClip first = clips.get(0);
        assertEquals(LENGTH, first.frameCount);
        assertArrayEquals(new int[] {3, 11, 18, 26}, first.positions);
        assertEquals(4, first.framesWithFace);
        assertEquals((byte) (11 + 50), first.crop(11).pixels()[0], "frame 11's own crop");
        assertEquals(3 * 40, first.startTimeMillis);
        assertEquals(29 * 40, first.endTimeMillis);
        assertTrue(dropped.isEmpty());
    }

    @Test
    void overlappingClipsOnASparseGridShareTheFramesTheyRead() {
        ClipSettings settings = new ClipSettings(LENGTH, 15, 5, 1_000, 6, 500, 2_000, 30_000);
        ClipGrid grid = ClipGrid.of(settings, new int[] {3, 11, 18, 26});
        ClipBuilder builder = new ClipBuilder(settings, grid);
        for (int seq = 0; seq < 60; seq++) {
            builder.take(inProgress, frame(grid, seq, 1), "cam", output);
        }
        assertEquals(List.of("3-29", "15-44", "30-59"),
                clips.stream().map(c -> c.firstSequence + "-" + c.lastSequence).toList());
        FaceClip second = clips.get(1);
        assertArrayEquals(new int[] {3, 11, 18, 26}, second.positions);
        assertEquals(4, second.framesWithFace);
        assertEquals((byte) (18 + 50), second.crop(3).pixels()[0], "position 3 of the clip from 15 is frame 18");
        assertEquals((byte) (41 + 50), second.crop(26).pixels()[0], "position 26 is frame 41");
        assertTrue(dropped.isEmpty());
    }

    @Test
    void aFaceFirstSeenLateInAClipOpensItWhenFewEnoughReadFramesWentWithoutIt() {
        ClipBuilder builder = new ClipBuilder(ClipSettings.defaults(LENGTH), SPARSE);
        for (int seq = 0; seq < LENGTH; seq++) {
            builder.take(inProgress, seq < 11 ? frame(SPARSE, seq) : frame(SPARSE, seq, 1), "cam", output);
        }
        assertEquals(1, clips.size(), "one read frame of four without the face: the clip of 0-29 is cut");
        FaceClip clip = clips.get(0);
        assertEquals(11, clip.firstSequence, "from the face's first frame");
        assertEquals(3, clip.framesWithFace);
        assertEquals(clip.crop(11).pixels()[0], clip.crop(3).pixels()[0], "the first crop stands in before it");

        clips.clear();
        inProgress.clear();
        for (int seq = LENGTH; seq < 3 * LENGTH; seq++) {
            builder.take(inProgress, seq < LENGTH + 18 ? frame(SPARSE, seq) : frame(SPARSE, seq, 1), "cam", output);
        }
        assertEquals(List.of(60L), clips.stream().map(c -> c.firstSequence).toList(),
                "seen first at the third read frame: too late for its clip, so the next one");
    }

    @Test
    void aLostReadFrameIsHeldAndALostLastFrameStillCutsTheClip() {
        ClipBuilder builder = new ClipBuilder(ClipSettings.defaults(LENGTH), SPARSE);
        for (int seq = 0; seq < LENGTH + 5; seq++) {
            if (seq != 11 && seq != 29) {
                builder.take(inProgress, frame(SPARSE, seq, 1), "cam", output);
            }
        }
        assertEquals(1, clips.size(), "cut at frame 30, its last frame never came");
        FaceClip clip = clips.get(0);
        assertEquals(28, clip.lastSequence);
        assertEquals(3, clip.framesWithFace);
        assertEquals(clip.crop(3).pixels()[0], clip.crop(11).pixels()[0], "frame 3's crop holds for the lost 11");
        assertTrue(dropped.isEmpty());
        builder.take(inProgress, frame(SPARSE, 40, 1), "cam", output); // 35-39 lost: 5 frames are allowed
        builder.take(inProgress, frame(SPARSE, 47, 1), "cam", output); // 41-46 lost: 6 are not
        assertEquals(List.of(DropReason.DROPPED_FRAMES), dropped);
    }

    @Test
    void aFrameWithoutTheFaceHoldsItsLastCrop() {
        ClipBuilder builder = builder(ClipSettings.defaults(LENGTH));
        for (int seq = 0; seq < LENGTH; seq++) {
            builder.take(inProgress, seq == 5 ? frame(seq, seq * 40L) : frame(seq, seq * 40L, 1), "cam", output);
        }
        assertEquals(1, clips.size());
        assertEquals(29, clips.get(0).framesWithFace);
        assertEquals(clips.get(0).crop(4).pixels()[0], clips.get(0).crop(5).pixels()[0]);
    }
}
