package io.emotionstream.job;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Assembles each camera's face frames into clips of {@code clipLength} frames, in capture order.
 *
 * <p>Frames wait in keyed state until the watermark passes them, then are taken in (capture time, sequence)
 * order, so frames that arrive out of order within the watermark's bound are put right; frames behind the
 * watermark go to {@link #LATE_FRAMES}. A new clip starts at a frame with a face. A partial clip is dropped, and
 * counted by reason, when frames were lost, time jumped, the sequence restarted, the crop size changed, too many
 * frames had no face, or the camera went quiet (then its state is cleared). After a clip is emitted the next starts
 * {@code stride} frames later (overlapping when stride &lt; length).
 */
public class ClipAssembler extends KeyedProcessFunction<String, FaceFrame, FaceClip> {
    /** Why a partial clip was dropped (the counters of metric group clipsDropped). */
    public enum DropReason { DROPPED_FRAMES, TIME_GAP, SEQUENCE_RESET, CROP_SIZE_CHANGE, NO_FACE, CAMERA_IDLE }

    /** Frames that came behind the watermark: too late to be put in order. */
    public static final OutputTag<FaceFrame> LATE_FRAMES = new OutputTag<>("late-frames") {};

    private final ClipSettings settings;
    private transient ListState<FaceFrame> pending;
    private transient ValueState<ClipProgress> progress;
    private transient ValueState<Long> lastActivity;
    private transient Counter clipsAssembled;
    private transient Counter lateFrames;
    private transient Map<DropReason, Counter> clipsDropped;

    public ClipAssembler(ClipSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getListState(new ListStateDescriptor<>("pending-frames", FaceFrame.class));
        progress = getRuntimeContext().getState(new ValueStateDescriptor<>("clip-progress", ClipProgress.class));
        lastActivity = getRuntimeContext().getState(new ValueStateDescriptor<>("last-activity", Long.class));
        clipsAssembled = getRuntimeContext().getMetricGroup().counter("clipsAssembled");
        lateFrames = getRuntimeContext().getMetricGroup().counter("lateFrames");
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

    @Override
    public void processElement(FaceFrame frame, Context ctx, Collector<FaceClip> out) throws Exception {
        if (frame.captureTimeMillis <= ctx.timerService().currentWatermark()) {
            lateFrames.inc();
            ctx.output(LATE_FRAMES, frame);
            return;
        }
        pending.add(frame);
        ctx.timerService().registerEventTimeTimer(frame.captureTimeMillis);
        long now = ctx.timerService().currentProcessingTime();
        if (lastActivity.value() == null) {
            ctx.timerService().registerProcessingTimeTimer(now + settings.idleTimeoutMillis());
        }
        lastActivity.update(now);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FaceClip> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            onIdleCheck(timestamp, ctx);
            return;
        }
        List<FaceFrame> due = new ArrayList<>();
        List<FaceFrame> later = new ArrayList<>();
        for (FaceFrame f : pending.get()) {
            (f.captureTimeMillis <= timestamp ? due : later).add(f);
        }
        if (due.isEmpty()) {
            return;
        }
        pending.update(later);
        due.sort(Comparator.comparingLong((FaceFrame f) -> f.captureTimeMillis).thenComparingLong(f -> f.sequence));
        ClipProgress clip = progress.value();
        for (FaceFrame frame : due) {
            clip = accept(clip, frame, ctx.getCurrentKey(), out);
        }
        progress.update(clip);
    }

    private ClipProgress accept(ClipProgress clip, FaceFrame frame, String camera, Collector<FaceClip> out) {
        if (clip != null && clip.count > 0) {
            DropReason reason = null;
            if (frame.sequence <= clip.lastSequence) {
                reason = DropReason.SEQUENCE_RESET;
            } else if (frame.sequence - clip.lastSequence - 1 > settings.maxDroppedFrames()) {
                reason = DropReason.DROPPED_FRAMES;
            } else if (frame.captureTimeMillis - clip.lastTime > settings.maxTimeGapMillis()) {
                reason = DropReason.TIME_GAP;
            } else if (frame.faceFound && (frame.cropWidth != clip.cropWidth || frame.cropHeight != clip.cropHeight)) {
                reason = DropReason.CROP_SIZE_CHANGE;
            } else if (!frame.faceFound && clip.framesWithoutFace() + 1 > settings.maxFramesWithoutFace()) {
                reason = DropReason.NO_FACE;
            }
            if (reason != null) {
                clipsDropped.get(reason).inc();
                clip.count = 0;
            }
        }
        if (clip == null || clip.count == 0) {
            if (!frame.faceFound) {
                if (clip != null) {
                    clip.lastSequence = frame.sequence;
                    clip.lastTime = frame.captureTimeMillis;
                }
                return clip; // a clip opens with a face
            }
            if (clip == null || clip.cropWidth != frame.cropWidth || clip.cropHeight != frame.cropHeight) {
                clip = new ClipProgress(settings.clipLength(), frame.cropWidth, frame.cropHeight);
            }
        }
        clip.append(frame);
        clip.lastSequence = frame.sequence;
        clip.lastTime = frame.captureTimeMillis;
        if (clip.count == settings.clipLength()) {
            out.collect(clip.toClip(camera));
            clipsAssembled.inc();
            clip.shift(settings.stride());
        }
        return clip;
    }

    private void onIdleCheck(long timestamp, OnTimerContext ctx) throws Exception {
        Long last = lastActivity.value();
        if (last == null) {
            return;
        }
        long idleSince = timestamp - last;
        if (idleSince < settings.idleTimeoutMillis()) {
            ctx.timerService().registerProcessingTimeTimer(last + settings.idleTimeoutMillis());
            return;
        }
        if (pending.get().iterator().hasNext()) {
            // frames still wait for the watermark: the camera is not done, look again later
            ctx.timerService().registerProcessingTimeTimer(timestamp + settings.idleTimeoutMillis());
            return;
        }
        ClipProgress clip = progress.value();
        if (clip != null && clip.count > 0) {
            clipsDropped.get(DropReason.CAMERA_IDLE).inc();
        }
        progress.clear();
        pending.clear();
        lastActivity.clear();
    }
}
