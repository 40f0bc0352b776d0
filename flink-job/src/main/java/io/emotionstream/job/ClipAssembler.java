package io.emotionstream.job;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Assembles each camera's face frames into clips of {@code clipLength} frames, in capture order, one clip stream per
 * face track (each face the camera follows).
 *
 * <p>Event time is kept per camera, so that one camera's clock or delays never hold back or outdate another's: a
 * frame that continues the camera's sequence is taken in at once; others wait in keyed state until the frames
 * before them came or the camera has sent a frame {@code maxOutOfOrderMillis} newer, then are taken in (capture
 * time, sequence) order, so frames that arrive out of order within that bound are put right; frames older than
 * what was taken in go to {@link #LATE_FRAMES}, and a frame sent again (its sequence and capture time lie within the
 * unbroken run of sequence numbers taken in last) is dropped and counted. A camera silent for
 * {@code releaseAfterMillis} has its waiting frames taken in at once, so its last clip comes out; silent for
 * {@code idleTimeoutMillis}, its state is cleared. A track's clip starts at a frame with its face; frames without it
 * (the face missed, or gone) hold its last face. A partial clip is dropped, and counted by reason, when frames were
 * lost, time jumped, the sequence restarted, the crop size or kind (RGB, gray) changed, too many frames lacked the
 * track's face (so a face that leaves ends its clip), or the camera went idle. After a clip is emitted the next starts
 * {@code stride} frames later (overlapping when stride &lt; length).
 */
public class ClipAssembler extends KeyedProcessFunction<String, FaceFrame, FaceClip> {
    /** Why a partial clip was dropped (the counters of metric group clipsDropped). */
    public enum DropReason { DROPPED_FRAMES, TIME_GAP, SEQUENCE_RESET, CROP_SIZE_CHANGE, NO_FACE, CAMERA_IDLE }

    /** Frames older than what their camera had taken in: too late to be put in order. */
    public static final OutputTag<FaceFrame> LATE_FRAMES = new OutputTag<>("late-frames") {};

    /** A camera's own event time and activity. A Flink POJO kept in keyed state. */
    public static class CameraClock {
        /** The newest capture time the camera has sent. */
        public long newestCapture = Long.MIN_VALUE;
        /** Frames captured up to this time have been taken in; older ones are late. */
        public long takenUpTo = Long.MIN_VALUE;
        /** When (processing time) the camera's last frame arrived. */
        public long lastArrival;
        /** The camera's pending processing-time timer; 0 for none. */
        public long timerAt;
        /** The unbroken run of sequence numbers taken in last: its first frame, and the last frame taken in. */
        public long runFirstSequence = -1;
        public long runFirstTime;
        public long lastSequence = -1;
        public long lastTime;

        public CameraClock() {}

        /**
         * Whether the camera has sent this frame already: it lies within the unbroken run of sequence numbers taken
         * in last (no number missing since {@link #runFirstSequence}), in both sequence and capture time.
         */
        boolean seen(long sequence, long captureTimeMillis) {
            return runFirstSequence >= 0 && sequence >= runFirstSequence && sequence <= lastSequence
                    && captureTimeMillis >= runFirstTime && captureTimeMillis <= lastTime;
        }

        /** Notes a frame taken in: the newest, and the start of a new unbroken run when a number was skipped. */
        void taken(FaceFrame frame) {
            if (runFirstSequence < 0 || frame.sequence != lastSequence + 1) {
                runFirstSequence = frame.sequence;
                runFirstTime = frame.captureTimeMillis;
            }
            lastSequence = frame.sequence;
            lastTime = frame.captureTimeMillis;
        }
    }

    /** The watermark that ends a bounded input; the job emits no other. */
    private static final long END_OF_INPUT = Long.MAX_VALUE;

    private final ClipSettings settings;
    private transient ListState<FaceFrame> pending;
    /** The camera's clip in progress per face track. */
    private transient MapState<Integer, ClipProgress> progress;
    private transient ValueState<CameraClock> clock;
    private transient Counter clipsAssembled;
    private transient Counter lateFrames;
    private transient Counter duplicateFrames;
    private transient Map<DropReason, Counter> clipsDropped;
    /** When (processing time) this instance began, once known: silence is counted from it after a restore. */
    private transient long startedAt = -1;

    public ClipAssembler(ClipSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getListState(new ListStateDescriptor<>("pending-frames", FaceFrame.class));
        progress = getRuntimeContext().getMapState(new MapStateDescriptor<>("track-clips", Integer.class,
                ClipProgress.class));
        clock = getRuntimeContext().getState(new ValueStateDescriptor<>("camera-clock", CameraClock.class));
        clipsAssembled = getRuntimeContext().getMetricGroup().counter("clipsAssembled");
        lateFrames = getRuntimeContext().getMetricGroup().counter("lateFrames");
        duplicateFrames = getRuntimeContext().getMetricGroup().counter("duplicateFrames");
        clipsDropped = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            clipsDropped.put(reason, getRuntimeContext().getMetricGroup()
                    .addGroup("reason", reason.name().toLowerCase()).counter("clipsDropped"));
        }
    }

    /** Partial clips dropped for this reason so far by this instance (its metric's count). */
    long clipsDropped(DropReason reason) {
        return clipsDropped.get(reason).getCount();
    }

    /** Repeated frames dropped so far by this instance. */
    long duplicateFrames() {
        return duplicateFrames.getCount();
    }

    @Override
    public void processElement(FaceFrame frame, Context ctx, Collector<FaceClip> out) throws Exception {
        CameraClock camera = clock.value();
        long now = ctx.timerService().currentProcessingTime();
        if (startedAt < 0) {
            startedAt = now;
        }
        if (camera == null) {
            camera = new CameraClock();
            ctx.timerService().registerEventTimeTimer(END_OF_INPUT);
        }
        camera.lastArrival = now;
        if (camera.timerAt == 0 || camera.timerAt > now + settings.releaseAfterMillis()) {
            schedule(ctx.timerService(), camera, now + settings.releaseAfterMillis()); // the next release check
        }
        if (frame.captureTimeMillis <= camera.takenUpTo) {
            if (camera.seen(frame.sequence, frame.captureTimeMillis)) {
                duplicateFrames.inc();
            } else {
                lateFrames.inc();
                ctx.output(LATE_FRAMES, frame);
            }
        } else {
            pending.add(frame);
            camera.newestCapture = Math.max(camera.newestCapture, frame.captureTimeMillis);
            takeIn(camera, camera.newestCapture - settings.maxOutOfOrderMillis(), ctx.getCurrentKey(), out);
            takeInSequence(camera, ctx.getCurrentKey(), out);
        }
        clock.update(camera);
    }

    /**
     * Takes in at once the waiting frames that continue the camera's sequence (the next number, captured no
     * earlier): no frame can come between them, so they need not wait for a newer one. Frames that came in order
     * thus go on without delay; only those after a gap wait.
     */
    private void takeInSequence(CameraClock camera, String cameraId, Collector<FaceClip> out) throws Exception {
        if (camera.runFirstSequence < 0) {
            return; // the camera's first frames wait: an earlier one may still come
        }
        List<FaceFrame> waiting = new ArrayList<>();
        for (FaceFrame f : pending.get()) {
            waiting.add(f);
        }
        waiting.sort(Comparator.comparingLong(f -> f.sequence));
        List<FaceFrame> left = new ArrayList<>();
        for (FaceFrame frame : waiting) {
            if (frame.sequence == camera.lastSequence + 1 && frame.captureTimeMillis >= camera.lastTime
                    && frame.captureTimeMillis > camera.takenUpTo) {
                camera.takenUpTo = frame.captureTimeMillis;
                take(camera, frame, cameraId, out);
            } else {
                left.add(frame);
            }
        }
        if (left.size() < waiting.size()) {
            pending.update(left);
        }
    }

    /** Takes the waiting frames captured up to {@code upTo} into clips, in capture order. */
    private void takeIn(CameraClock camera, long upTo, String cameraId, Collector<FaceClip> out) throws Exception {
        if (upTo <= camera.takenUpTo) {
            return;
        }
        camera.takenUpTo = upTo;
        List<FaceFrame> due = new ArrayList<>();
        List<FaceFrame> later = new ArrayList<>();
        for (FaceFrame f : pending.get()) {
            (f.captureTimeMillis <= upTo ? due : later).add(f);
        }
        if (due.isEmpty()) {
            return;
        }
        pending.update(later);
        due.sort(Comparator.comparingLong((FaceFrame f) -> f.captureTimeMillis).thenComparingLong(f -> f.sequence));
        for (FaceFrame frame : due) {
            take(camera, frame, cameraId, out);
        }
    }

    /**
     * Takes one frame into the clip of each track: of each face in it, and of each track with a clip in progress
     * (which the frame then lacks). A track left without a partial clip is forgotten.
     */
    private void take(CameraClock camera, FaceFrame frame, String cameraId, Collector<FaceClip> out) throws Exception {
        if (camera.seen(frame.sequence, frame.captureTimeMillis)) {
            duplicateFrames.inc(); // the same frame again (sent twice): it must not end the clip
            return;
        }
        camera.taken(frame);
        List<Integer> tracks = new ArrayList<>();
        for (Integer track : progress.keys()) {
            tracks.add(track);
        }
        for (FaceFrame.Face face : frame.faces) {
            if (!tracks.contains(face.track)) {
                tracks.add(face.track);
            }
        }
        for (int track : tracks) {
            FaceFrame.Face face = frame.face(track);
            ClipProgress clip = accept(progress.get(track), frame, face, cameraId, track, out);
            if (clip == null || (clip.count == 0 && face == null)) {
                progress.remove(track);
            } else {
                progress.put(track, clip);
            }
        }
    }

    /**
     * A silent camera: its waiting frames are taken in after a while, its state is cleared after longer. At the end of
     * a bounded input (the only watermark, which fires the event-time timer) the waiting frames are taken in.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FaceClip> out) throws Exception {
        CameraClock camera = clock.value();
        if (camera == null) {
            return;
        }
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            takeIn(camera, camera.newestCapture, ctx.getCurrentKey(), out);
            clock.update(camera);
            return;
        }
        camera.timerAt = 0;
        if (startedAt < 0) {
            startedAt = ctx.timerService().currentProcessingTime(); // a timer restored overdue fires first
        }
        // after a restore, the time the job was down is not the camera's silence
        long since = Math.max(camera.lastArrival, startedAt);
        long silent = timestamp - since;
        if (silent < settings.releaseAfterMillis()) {
            schedule(ctx.timerService(), camera, since + settings.releaseAfterMillis());
            clock.update(camera);
            return;
        }
        takeIn(camera, camera.newestCapture, ctx.getCurrentKey(), out);
        if (silent < settings.idleTimeoutMillis()) {
            schedule(ctx.timerService(), camera, since + settings.idleTimeoutMillis());
            clock.update(camera);
            return;
        }
        for (ClipProgress clip : progress.values()) {
            if (clip.count > 0) {
                clipsDropped.get(DropReason.CAMERA_IDLE).inc();
            }
        }
        progress.clear();
        pending.clear();
        clock.clear();
        ctx.timerService().deleteEventTimeTimer(END_OF_INPUT);
    }

    private static void schedule(TimerService timers, CameraClock camera, long at) {
        if (camera.timerAt != 0) {
            timers.deleteProcessingTimeTimer(camera.timerAt);
        }
        timers.registerProcessingTimeTimer(at);
        camera.timerAt = at;
    }

    /** One frame into a track's clip: {@code face} is the track's face in it, null when the frame lacks it. */
    private ClipProgress accept(ClipProgress clip, FaceFrame frame, FaceFrame.Face face, String camera, int track,
                                Collector<FaceClip> out) {
        if (clip != null && clip.count > 0) {
            DropReason reason = null;
            if (frame.sequence <= clip.lastSequence) {
                reason = DropReason.SEQUENCE_RESET;
            } else if (frame.sequence - clip.lastSequence - 1 > settings.maxDroppedFrames()) {
                reason = DropReason.DROPPED_FRAMES;
            } else if (frame.captureTimeMillis - clip.lastTime > settings.maxTimeGapMillis()) {
                reason = DropReason.TIME_GAP;
            } else if (face != null && !clip.fits(face)) {
                reason = DropReason.CROP_SIZE_CHANGE;
            } else if (face == null && clip.framesWithoutFace() + 1 > settings.maxFramesWithoutFace()) {
                reason = DropReason.NO_FACE;
            }
            if (reason != null) {
                clipsDropped.get(reason).inc();
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
            out.collect(clip.toClip(camera, track));
            clipsAssembled.inc();
            clip.shift(settings.stride());
        }
        return clip;
    }
}
