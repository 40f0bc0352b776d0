package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void eachTrackGetsItsOwnClipsAndStrideOverlapsThem() {
        ClipBuilder builder = new ClipBuilder(new ClipSettings(LENGTH, 10, 5, 1_000, 6, 500, 2_000, 30_000));
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
        ClipBuilder builder = new ClipBuilder(ClipSettings.defaults(LENGTH));
        for (int seq = 0; seq < 10; seq++) {
            builder.take(inProgress, frame(seq, seq * 40L, 1), "cam", output);
        }
        builder.take(inProgress, frame(20, 800, 1), "cam", output); // 10 frames lost
        builder.take(inProgress, frame(21, 5_000, 1), "cam", output); // 4 s later
        assertEquals(List.of(DropReason.DROPPED_FRAMES, DropReason.TIME_GAP), dropped);
        assertTrue(clips.isEmpty());
        assertEquals(1, inProgress.get(1).count, "a clip starts afresh at frame 21");
    }

    @Test
    void aFrameWithoutTheFaceHoldsItsLastCrop() {
        ClipBuilder builder = new ClipBuilder(ClipSettings.defaults(LENGTH));
        for (int seq = 0; seq < LENGTH; seq++) {
            builder.take(inProgress, seq == 5 ? frame(seq, seq * 40L) : frame(seq, seq * 40L, 1), "cam", output);
        }
        assertEquals(1, clips.size());
        assertEquals(29, clips.get(0).framesWithFace);
        assertEquals(clips.get(0).crop(4).pixels()[0], clips.get(0).crop(5).pixels()[0]);
    }
}
