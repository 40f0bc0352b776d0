package io.emotionstream.job;

import org.apache.flink.metrics.Counter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits the frame records off that the deserializer found unusable (too large, not Avro, of an unknown schema,
 * invalid, captured too far ahead: {@link KafkaFrameRecord#problem}), next to the source: they go to {@link #UNUSABLE}
 * as dead letters with the deserializer's reason, and only usable frames go on to the face stage.
 */
public class UnusableRecords extends ProcessFunction<KafkaFrameRecord, KafkaFrameRecord> {
    public static final OutputTag<Rejection> UNUSABLE = new OutputTag<>("unusable-records") {};

    private transient Counter unusable;

    @Override
    public void open(OpenContext openContext) {
        unusable = getRuntimeContext().getMetricGroup().counter("framesRejected");
    }

    @Override
    public void processElement(KafkaFrameRecord record, Context ctx, Collector<KafkaFrameRecord> out) {
        if (record.usable()) {
            out.collect(record);
        } else {
            unusable.inc();
            ctx.output(UNUSABLE, Rejection.of(record, record.problem, record.problemDetail));
        }
    }
}
