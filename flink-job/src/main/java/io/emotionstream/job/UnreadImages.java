package io.emotionstream.job;

import org.apache.flink.api.common.functions.MapFunction;

/**
 * Frames no clip reads ({@link ClipGrid}) leave their image (and the start of their record's bytes) here, next to the
 * source: the face stage passes them over undecoded anyway, so the records it is sent across the network carry only
 * the images it decodes. The frames themselves go on: they count in their camera's sequence and time.
 */
public class UnreadImages implements MapFunction<KafkaFrameRecord, KafkaFrameRecord> {
    private final ClipGrid grid;

    public UnreadImages(ClipGrid grid) {
        this.grid = grid;
    }

    @Override
    public KafkaFrameRecord map(KafkaFrameRecord record) {
        if (!grid.looksAt(record.sequence)) {
            record.data = null;
            record.payloadPrefix = null;
        }
        return record;
    }
}
