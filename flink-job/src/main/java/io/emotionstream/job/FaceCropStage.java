package io.emotionstream.job;

import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.schema.DeadLetterReason;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes each frame's image, finds the face with dlib and cuts the model's crop ({@link FaceFinder}). A frame
 * without a face passes on as such. A record the deserializer marked unusable (too large, not a VideoFrame,
 * invalid), or whose image cannot be decoded, goes to {@link #REJECTED} with the reason; the job goes on. One dlib
 * detector per parallel instance. Keyed by camera ({@link KafkaFrameRecord#cameraKey()}), so that the cameras spread
 * over all instances whatever the number of Kafka partitions, and each camera's frames stay in order.
 */
public class FaceCropStage extends KeyedProcessFunction<String, KafkaFrameRecord, FaceFrame> {
    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("rejected-frames") {};

    private final ModelDescriptor model;
    private final FaceStageSettings settings;
    private transient FaceFinder finder;
    private transient Counter framesIn;
    private transient Counter facesFound;
    private transient Counter framesWithoutFace;
    private transient Counter rejected;

    public FaceCropStage(ModelDescriptor model, FaceStageSettings settings) {
        this.model = model;
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        finder = new FaceFinder(model, settings);
        framesIn = getRuntimeContext().getMetricGroup().counter("framesIn");
        facesFound = getRuntimeContext().getMetricGroup().counter("facesFound");
        framesWithoutFace = getRuntimeContext().getMetricGroup().counter("framesWithoutFace");
        rejected = getRuntimeContext().getMetricGroup().counter("framesRejected");
    }

    @Override
    public void processElement(KafkaFrameRecord record, Context ctx, Collector<FaceFrame> out) {
        framesIn.inc();
        FaceFrame result;
        try {
            result = finder.find(record);
        } catch (FaceFinder.RejectedFrame e) {
            reject(ctx, record, e.reason(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            reject(ctx, record, DeadLetterReason.FACE_STAGE_ERROR, "face stage failed: " + e);
            return;
        }
        (result.faceFound ? facesFound : framesWithoutFace).inc();
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
