package io.emotionstream.job;

import io.emotionstream.schema.DeadLetterReason;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Gives each camera its fair share next to the source, before any image is decoded ({@link CameraGate}, one per
 * subtask, in memory: after a restart cameras are let in afresh). Frames over their camera's rate and frames of
 * cameras not let in are dropped and counted ({@code framesOverRate}, {@code framesOfRefusedCameras}); for each
 * reason at most one dead letter a second goes to {@link #DROPPED}, saying how many frames it stands for.
 */
public class FairShare extends ProcessFunction<KafkaFrameRecord, KafkaFrameRecord> {
    public static final OutputTag<Rejection> DROPPED = new OutputTag<>("fair-share-dropped") {};

    /** A reason's frames dropped since its last dead letter, and when that was. */
    private static final class Report {
        long dropped;
        long lastAt = Long.MIN_VALUE;
    }

    private final FairShareSettings settings;
    private transient CameraGate gate;
    private transient Map<DeadLetterReason, Report> reports;
    private transient Counter overRate;
    private transient Counter refusedCameras;

    public FairShare(FairShareSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        int subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        gate = new CameraGate(settings.maxFramesPerSecond(), Math.max(1, -Math.floorDiv(-settings.maxCameras(), subtasks)),
                settings.newCamerasPerSecond(), settings.forgetAfterMillis());
        reports = new EnumMap<>(DeadLetterReason.class);
        overRate = getRuntimeContext().getMetricGroup().counter("framesOverRate");
        refusedCameras = getRuntimeContext().getMetricGroup().counter("framesOfRefusedCameras");
        getRuntimeContext().getMetricGroup().gauge("camerasKnown", (Gauge<Integer>) () -> gate.cameras());
    }

    @Override
    public void processElement(KafkaFrameRecord record, Context ctx, Collector<KafkaFrameRecord> out) {
        long now = ctx.timerService().currentProcessingTime();
        switch (gate.admit(record.cameraId, record.captureTimeMillis, now)) {
            case PASS -> out.collect(record);
            case OVER_RATE -> {
                overRate.inc();
                report(record, DeadLetterReason.OVER_RATE, now, ctx, "over their camera's rate of "
                        + settings.maxFramesPerSecond() + " frames a second");
            }
            case CAMERA_REFUSED -> {
                refusedCameras.inc();
                report(record, DeadLetterReason.CAMERA_REFUSED, now, ctx, "of cameras not let in (at most "
                        + settings.maxCameras() + " cameras, " + settings.newCamerasPerSecond()
                        + " new ones a second per source subtask)");
            }
        }
    }

    private void report(KafkaFrameRecord record, DeadLetterReason reason, long now, Context ctx, String what) {
        Report report = reports.computeIfAbsent(reason, r -> new Report());
        report.dropped++;
        if (report.lastAt == Long.MIN_VALUE || now - report.lastAt >= 1_000) {
            ctx.output(DROPPED, Rejection.of(record, reason, report.dropped + " frames dropped " + what
                    + " since the last such dead letter, this one of camera " + record.cameraId));
            report.dropped = 0;
            report.lastAt = now;
        }
    }
}
