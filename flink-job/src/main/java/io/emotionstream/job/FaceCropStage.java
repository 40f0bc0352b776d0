package io.emotionstream.job;

import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.schema.DeadLetterReason;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes each frame a clip reads ({@link ClipGrid}: the model's frames of each clip), finds its faces with dlib and
 * cuts the model's crop of each ({@link FaceFinder}); the other frames pass on undecoded, as counts
 * ({@link FaceFrame#looked} false), without touching the camera's state. A frame without a face passes on as such. A
 * frame whose image cannot be decoded, or of another size than its record says, goes to {@link #REJECTED} with the
 * reason; the job goes on (records the deserializer found unusable were split off before: {@link UnusableRecords}).
 * One dlib detector per parallel instance. Keyed by camera ({@link KafkaFrameRecord#cameraKey()}), so that the cameras
 * spread over all instances whatever the number of Kafka partitions, each camera's frames stay in order, and each
 * camera's faces are followed from frame to frame ({@link FaceTracks} in keyed state: the whole frame is searched only
 * on keyframes; each face keeps its track id while it stays in view).
 */
public class FaceCropStage extends KeyedProcessFunction<String, KafkaFrameRecord, FaceFrame> {
    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("rejected-frames") {};
    /** A camera's face tracks are dropped after this long without frames. */
    static final Duration TRACK_TTL = Duration.ofMinutes(1);

    private final ModelDescriptor model;
    private final FaceStageSettings settings;
    private final ClipGrid grid;
    private transient FaceFinder finder;
    private transient ValueState<FaceTracks> tracks;
    private transient Counter framesIn;
    private transient Counter framesPassedOver;
    /** Nanoseconds spent on the frames looked at: decoded, searched, cropped. */
    private transient Counter faceStageNanos;
    private transient Counter facesFound;
    private transient Counter framesWithoutFace;
    private transient Counter rejected;

    /** Looks at the frames the clips of this grid read. */
    public FaceCropStage(ModelDescriptor model, FaceStageSettings settings, ClipGrid grid) {
        this.model = model;
        this.settings = settings;
        this.grid = grid;
    }

    @Override
    public void open(OpenContext openContext) {
        finder = new FaceFinder(model, settings);
        ValueStateDescriptor<FaceTracks> descriptor = new ValueStateDescriptor<>("face-tracks", FaceTracks.class);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(TRACK_TTL).build()); // silent cameras' tracks go
        tracks = getRuntimeContext().getState(descriptor);
        framesIn = getRuntimeContext().getMetricGroup().counter("framesIn");
        framesPassedOver = getRuntimeContext().getMetricGroup().counter("framesPassedOver");
        faceStageNanos = getRuntimeContext().getMetricGroup().counter("faceStageNanos");
        facesFound = getRuntimeContext().getMetricGroup().counter("facesFound");
        framesWithoutFace = getRuntimeContext().getMetricGroup().counter("framesWithoutFace");
        rejected = getRuntimeContext().getMetricGroup().counter("framesRejected");
        getRuntimeContext().getMetricGroup().gauge("facesFitted", (Gauge<Long>) finder::fittedFaces);
        getRuntimeContext().getMetricGroup().gauge("nearSearches", (Gauge<Long>) finder::nearSearches);
        getRuntimeContext().getMetricGroup().gauge("keyframes", (Gauge<Long>) finder::keyframes);
    }

    @Override
    public void processElement(KafkaFrameRecord record, Context ctx, Collector<FaceFrame> out) throws Exception {
        framesIn.inc();
        if (!grid.looksAt(record.sequence)) {
            framesPassedOver.inc();
            out.collect(FaceFinder.passedOver(record));
            return;
        }
        FaceFrame result;
        long started = System.nanoTime();
        try {
            FaceTracks camera = tracks.value() == null ? new FaceTracks() : tracks.value();
            result = finder.find(record, camera);
            tracks.update(camera);
        } catch (FaceFinder.RejectedFrame e) {
            reject(ctx, record, e.reason(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            reject(ctx, record, DeadLetterReason.FACE_STAGE_ERROR, "face stage failed: " + e);
            return;
        } finally {
            faceStageNanos.inc(System.nanoTime() - started);
        }
        if (result.faces.length == 0) {
            framesWithoutFace.inc();
        }
        facesFound.inc(result.faces.length);
        out.collect(result);
    }

    private void reject(Context ctx, KafkaFrameRecord record, DeadLetterReason reason, String detail) {
        rejected.inc();
        ctx.output(REJECTED, Rejection.of(record, reason, detail));
    }

    @Override
    public void close() {
        if (finder != null) {
            finder.close();
        }
    }
}
