package io.emotionstream.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cuts one camera's frames, taken in order, into clips of {@code clipLength} frames, one clip stream per face track,
 * free of Flink ({@link ClipAssembler} keeps the clips in progress in keyed state and hands them in).
 *
 * <p>A track's clip starts at a frame with its face; frames without it (the face missed, or gone) hold its last face.
 * A partial clip is dropped, and counted by reason, when frames were lost, time jumped, the sequence restarted, the
 * camera's clock stepped, the crop size or kind (RGB, gray) changed, or too many frames lacked the track's face (so a face that leaves ends its
 * clip). After a clip is emitted the next starts {@code stride} frames later (overlapping when stride &lt; length).
 */
final class ClipBuilder {
    /** Why a partial clip was dropped (the counters of metric group clipsDropped). */
    public enum DropReason { DROPPED_FRAMES, TIME_GAP, SEQUENCE_RESET, CLOCK_STEP, CROP_SIZE_CHANGE, NO_FACE, CAMERA_IDLE }

    /** Where clips and dropped partial clips go. */
    interface Output {
        void clip(FaceClip clip);

        void dropped(DropReason reason);
    }

    private final ClipSettings settings;

    ClipBuilder(ClipSettings settings) {
        this.settings = settings;
    }

    /**
     * Takes one frame into the clip of each track: of each face in it, and of each track with a clip in progress
     * (which the frame then lacks). A track left without a partial clip is forgotten.
     *
     * @param clips the camera's clips in progress by track; changed in place
     */
    void take(Map<Integer, ClipProgress> clips, FaceFrame frame, String cameraId, Output out) {
        List<Integer> tracks = new ArrayList<>(clips.keySet());
        for (FaceFrame.Face face : frame.faces) {
            if (!tracks.contains(face.track)) {
                tracks.add(face.track);
            }
        }
        for (int track : tracks) {
            FaceFrame.Face face = frame.face(track);
            ClipProgress clip = accept(clips.get(track), frame, face, cameraId, track, out);
            if (clip == null || (clip.count == 0 && face == null)) {
                clips.remove(track);
            } else {
                clips.put(track, clip);
            }
        }
    }

    /** One frame into a track's clip: {@code face} is the track's face in it, null when the frame lacks it. */
    private ClipProgress accept(ClipProgress clip, FaceFrame frame, FaceFrame.Face face, String camera, int track,
                                Output out) {
        if (clip != null && clip.count > 0) {
            DropReason reason = breaks(clip, frame, face);
            if (reason != null) {
                out.dropped(reason);
                clip.count = 0;
            }
        }
        if (clip == null || clip.count == 0) {
            if (face == null) {
                if (clip != null) {
                    clip.taken(frame);
                }
                return clip; // a clip opens with a face
            }
            if (clip == null || !clip.fits(face)) {
                ClipProgress fresh = new ClipProgress(settings.clipLength(), face.cropWidth, face.cropHeight,
                        face.cropChannels);
                if (clip != null) {
                    fresh.lastSequence = clip.lastSequence;
                    fresh.lastTime = clip.lastTime;
                }
                clip = fresh;
            }
        }
        clip.append(frame, face);
        clip.taken(frame);
        if (clip.count == settings.clipLength()) {
            out.clip(clip.toClip(camera, track));
            clip.shift(settings.stride());
        }
        return clip;
    }

    /** Why this frame ends the partial clip, or null when it continues it. */
    private DropReason breaks(ClipProgress clip, FaceFrame frame, FaceFrame.Face face) {
        if (frame.sequence <= clip.lastSequence) {
            return DropReason.SEQUENCE_RESET;
        } else if (frame.sequence - clip.lastSequence - 1 > settings.maxDroppedFrames()) {
            return DropReason.DROPPED_FRAMES;
        } else if (frame.captureTimeMillis - clip.lastTime > settings.maxTimeGapMillis()) {
            return DropReason.TIME_GAP;
        } else if (frame.clockStep) {
            return DropReason.CLOCK_STEP;
        } else if (face != null && !clip.fits(face)) {
            return DropReason.CROP_SIZE_CHANGE;
        } else if (face == null && clip.framesWithoutFace() + 1 > settings.maxFramesWithoutFace()) {
            return DropReason.NO_FACE;
        }
        return null;
    }
}
