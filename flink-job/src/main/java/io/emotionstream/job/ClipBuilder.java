package io.emotionstream.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cuts one camera's frames, taken in order, into clips on the camera's clip grid ({@link ClipGrid}: a clip covers
 * {@code clipLength} sequence numbers from a multiple of the stride), one clip stream per face track, free of Flink
 * ({@link ClipAssembler} keeps the clips in progress in keyed state and hands them in).
 *
 * <p>A track's first clip opens at the first frame with its face, on the grid's latest clip that holds that frame, or,
 * when too many of that clip's looked-at positions have passed without the face already, at the next clip; each next
 * clip follows on whole. Positions without the face hold a crop of it from next to them. The frames the face stage
 * passed over count as frames (gaps, time, clock steps) but carry no crop.
 * A partial clip is dropped, and counted by reason, when frames were lost, time jumped, the sequence restarted, the
 * camera's clock stepped, the crop size or kind (RGB, gray) changed, or more looked-at positions than
 * {@code maxFramesWithoutFace} allows (its share of the clip) lacked the track's face (so a face that leaves ends its
 * clip). A clip is cut at its last position, or at the first frame past it when that one never came.
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
    private final ClipGrid grid;
    private final int[] kept;
    /** Looked-at positions of a clip that may lack the face: maxFramesWithoutFace's share of them. */
    private final int maxFaceless;

    ClipBuilder(ClipSettings settings, ClipGrid grid) {
        if (grid.clipLength() != settings.clipLength() || grid.stride() != settings.stride()) {
            throw new IllegalArgumentException("the clip grid (" + grid + ") does not fit clips of "
                    + settings.clipLength() + " every " + settings.stride());
        }
        this.settings = settings;
        this.grid = grid;
        this.kept = grid.kept();
        this.maxFaceless = (int) Math.round((double) settings.maxFramesWithoutFace() * kept.length
                / settings.clipLength());
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
            ClipProgress clip = clips.get(track);
            if (clip != null && clip.kept == null) {
                clip = null; // kept before clips lay on a grid: not continued
            }
            clip = accept(clip, frame, face, cameraId, track, out);
            if (clip == null || (!clip.isOpen() && face == null)) {
                clips.remove(track);
            } else {
                clips.put(track, clip);
            }
        }
    }

    /** One frame into a track's clip: {@code face} is the track's face in it, null when the frame lacks it. */
    private ClipProgress accept(ClipProgress clip, FaceFrame frame, FaceFrame.Face face, String camera, int track,
                                Output out) {
        if (clip != null && clip.isOpen()) {
            DropReason reason = breaks(clip, frame, face);
            if (reason != null) {
                if (clip.framesWithFace() > 0) {
                    out.dropped(reason);
                }
                clip.close();
            }
            while (clip.isOpen() && frame.sequence >= clip.start + settings.clipLength()) {
                cut(clip, camera, track, out); // the clip's last frame never came
            }
        }
        if (clip == null || !clip.isOpen()) {
            if (face == null) {
                if (clip != null) {
                    clip.taken(frame);
                }
                return clip; // a clip opens with a face
            }
            long start = grid.clipStart(frame.sequence);
            if (lookedAtBefore((int) (frame.sequence - start)) > maxFaceless) {
                start += settings.stride(); // too late in this clip: the face's clips start with the next
            }
            if (clip == null || !clip.fits(face)) {
                ClipProgress fresh = new ClipProgress(settings.clipLength(), kept, face.cropWidth, face.cropHeight,
                        face.cropChannels);
                if (clip != null) {
                    fresh.lastSequence = clip.lastSequence;
                    fresh.lastTime = clip.lastTime;
                }
                clip = fresh;
            }
            clip.openAt(start);
        }
        if (frame.sequence < clip.start) {
            clip.taken(frame); // before the clip the face waits for
            return clip;
        }
        clip.append(frame, face);
        clip.taken(frame);
        int position = (int) (frame.sequence - clip.start);
        if (face == null && clip.slot(position) >= 0 && clip.facelessBefore(position + 1) > maxFaceless) {
            if (clip.framesWithFace() > 0) {
                out.dropped(DropReason.NO_FACE);
            } // else the face left before its next clip began: nothing of it is lost
            clip.close();
        } else if (position == settings.clipLength() - 1) {
            cut(clip, camera, track, out);
        }
        return clip;
    }

    /** The clip cut at its end: out when enough of its looked-at positions had the face; the span moves on. */
    private void cut(ClipProgress clip, String camera, int track, Output out) {
        int withFace = clip.framesWithFace();
        if (withFace > 0 && kept.length - withFace <= maxFaceless) {
            out.clip(clip.toClip(camera, track));
            clip.shift(settings.stride()); // the next clip follows on
        } else {
            if (withFace > 0) {
                out.dropped(DropReason.NO_FACE);
            }
            clip.close();
        }
    }

    /** Looked-at positions of a clip before this one. */
    private int lookedAtBefore(int position) {
        int n = 0;
        while (n < kept.length && kept[n] < position) {
            n++;
        }
        return n;
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
        }
        return null;
    }
}
