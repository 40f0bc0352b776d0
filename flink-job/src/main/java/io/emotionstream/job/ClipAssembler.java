package io.emotionstream.job;

import io.emotionstream.job.ClipBuilder.DropReason;
import io.emotionstream.schema.DeadLetterReason;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Assembles each camera's face frames into clips, one clip stream per face track: the camera's frames are put in order
 * ({@link FrameReorderBuffer}) and cut into clips ({@link ClipBuilder}); this operator keeps their state per camera,
 * sends frames refused on their own (late, out of place) to {@link #REFUSED_FRAMES}, and counts. A camera silent for
 * {@code releaseAfterMillis} has its waiting frames taken in at once, so its last clip comes out; silent for
 * {@code idleTimeoutMillis}, or for {@code releaseAfterMillis} when it never sent a clip's worth of frames (an id seen
 * once), its state is cleared (its partial clips counted as dropped, {@code CAMERA_IDLE}). At the end of a bounded
 * input the waiting frames are taken in.
 */
public class ClipAssembler extends KeyedProcessFunction<String, FaceFrame, FaceClip> {
    /** Frames refused on their own: too late to be put in order, or out of place in their camera's sequence. */
    public static final OutputTag<Rejection> REFUSED_FRAMES = new OutputTag<>("refused-frames") {};

    /** A camera's own event time and activity. A Flink POJO kept in keyed state. */
    public static class CameraClock {
        /** When (processing time) the camera's oldest waiting frame began to wait. */
        public long waitingSince;
        /** When (processing time) the camera's last frame was released in order. */
        public long lastReleasedAt;
        /** When (processing time) the camera's last frame arrived. */
        public long lastArrival;
        /** The camera's pending processing-time timer; 0 for none. */
        public long timerAt;
        /** The unbroken run of sequence numbers taken in last: its first frame, and the last frame taken in. */
        public long runFirstSequence = -1;
        public long runFirstTime;
        public long lastSequence = -1;
        public long lastTime;
        /** Frames taken in since the camera's state began. */
        public long framesTaken;

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
            framesTaken++;
        }
    }

    /** The watermark that ends a bounded input; the job emits no other. */
    private static final long END_OF_INPUT = Long.MAX_VALUE;

    private final ClipSettings settings;
    private final ClipGrid grid;
    private transient FrameReorderBuffer reorder;
    private transient ClipBuilder builder;
    private transient ListState<FaceFrame> pending;
    /** The camera's clip in progress per face track. */
    private transient MapState<Integer, ClipProgress> progress;
    private transient ValueState<CameraClock> clock;
    private transient Counter clipsAssembled;
    private transient Counter lateFrames;
    private transient Counter framesOutOfPlace;
    private transient Counter framesRetimed;
    private transient Counter duplicateFrames;
    private transient Map<DropReason, Counter> clipsDropped;
    /** When (processing time) this instance began, once known: silence is counted from it after a restore. */
    private transient long startedAt = -1;

    /** Clips on this grid, whose looked-at positions the face stage cropped. */
    public ClipAssembler(ClipSettings settings, ClipGrid grid) {
        this.settings = settings;
        this.grid = grid;
    }

    /** Clips of frames the face stage looked at every one of. */
    public ClipAssembler(ClipSettings settings) {
        this(settings, ClipGrid.everyFrame(settings));
    }

    @Override
    public void open(OpenContext openContext) {
        reorder = new FrameReorderBuffer(settings.maxOutOfOrderMillis(), settings.maxTimeGapMillis());
        builder = new ClipBuilder(settings, grid);
        pending = getRuntimeContext().getListState(new ListStateDescriptor<>("pending-frames", FaceFrame.class));
        progress = getRuntimeContext().getMapState(new MapStateDescriptor<>("track-clips", Integer.class,
                ClipProgress.class));
        clock = getRuntimeContext().getState(new ValueStateDescriptor<>("camera-clock", CameraClock.class));
        clipsAssembled = getRuntimeContext().getMetricGroup().counter("clipsAssembled");
        lateFrames = getRuntimeContext().getMetricGroup().counter("lateFrames");
        framesOutOfPlace = getRuntimeContext().getMetricGroup().counter("framesOutOfPlace");
        framesRetimed = getRuntimeContext().getMetricGroup().counter("framesRetimed");
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

    /** Frames re-timed between their neighbours (a glitch of the camera's clock) so far by this instance. */
    long framesRetimed() {
        return framesRetimed.getCount();
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
        List<FaceFrame> waiting = waitingFrames();
        FrameReorderBuffer.Result result = reorder.offer(camera, waiting, frame, now);
        for (FrameReorderBuffer.Refused refused : result.refused) {
            (refused.reason() == DeadLetterReason.LATE_FRAME ? lateFrames : framesOutOfPlace).inc();
            ctx.output(REFUSED_FRAMES, Rejection.ofFrame(refused.frame(), refused.reason(), refused.detail()));
        }
        framesRetimed.inc(result.retimed);
        build(result, waiting, ctx.getCurrentKey(), out);
        clock.update(camera);
    }

    private List<FaceFrame> waitingFrames() throws Exception {
        List<FaceFrame> waiting = new ArrayList<>();
        for (FaceFrame f : pending.get()) {
            waiting.add(f);
        }
        return waiting;
    }

    /** Writes back the waiting frames if they changed, and cuts the frames released into clips. */
    private void build(FrameReorderBuffer.Result result, List<FaceFrame> waiting, String cameraId,
                       Collector<FaceClip> out) throws Exception {
        duplicateFrames.inc(result.duplicates);
        if (result.waitingChanged) {
            pending.update(waiting);
        }
        if (result.released.isEmpty()) {
            return;
        }
        Map<Integer, ClipProgress> clips = new HashMap<>();
        for (Map.Entry<Integer, ClipProgress> entry : progress.entries()) {
            clips.put(entry.getKey(), entry.getValue());
        }
        Set<Integer> before = new HashSet<>(clips.keySet());
        ClipBuilder.Output output = new ClipBuilder.Output() {
            @Override
            public void clip(FaceClip clip) {
                out.collect(clip);
                clipsAssembled.inc();
            }

            @Override
            public void dropped(DropReason reason) {
                clipsDropped.get(reason).inc();
            }
        };
        for (FaceFrame frame : result.released) {
            builder.take(clips, frame, cameraId, output);
        }
        for (Integer track : before) {
            if (!clips.containsKey(track)) {
                progress.remove(track);
            }
        }
        progress.putAll(clips);
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
            releaseAll(camera, ctx.timerService().currentProcessingTime(), ctx.getCurrentKey(), out);
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
        releaseAll(camera, timestamp, ctx.getCurrentKey(), out);
        // a camera that never sent a clip's worth (a camera id seen once) is forgotten at once, not after the timeout
        if (silent < settings.idleTimeoutMillis() && camera.framesTaken >= settings.clipLength()) {
            schedule(ctx.timerService(), camera, since + settings.idleTimeoutMillis());
            clock.update(camera);
            return;
        }
        for (ClipProgress clip : progress.values()) {
            if (clip.kept != null && clip.isOpen() && clip.framesWithFace() > 0) {
                clipsDropped.get(DropReason.CAMERA_IDLE).inc();
            }
        }
        progress.clear();
        pending.clear();
        clock.clear();
        ctx.timerService().deleteEventTimeTimer(END_OF_INPUT);
    }

    private void releaseAll(CameraClock camera, long now, String cameraId, Collector<FaceClip> out) throws Exception {
        List<FaceFrame> waiting = waitingFrames();
        build(reorder.releaseAll(camera, waiting, now), waiting, cameraId, out);
    }

    private static void schedule(TimerService timers, CameraClock camera, long at) {
        if (camera.timerAt != 0) {
            timers.deleteProcessingTimeTimer(camera.timerAt);
        }
        timers.registerProcessingTimeTimer(at);
        camera.timerAt = at;
    }
}
