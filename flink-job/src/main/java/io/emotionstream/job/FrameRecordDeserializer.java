package io.emotionstream.job;

import io.emotionstream.schema.CameraIds;
import io.emotionstream.schema.CameraSites;
import io.emotionstream.schema.DeadLetterReason;
import io.emotionstream.schema.DeadLetters;
import io.emotionstream.schema.FrameEncoding;
import io.emotionstream.schema.PublishedSchemas;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.VideoFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroTypeException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads frame records without ever failing: a record that is too large, not a VideoFrame, of a writer schema it
 * cannot find or read, an invalid one, or one captured too far ahead of its record time comes out marked with the
 * reason (for the dead-letter topic) instead of stopping the source. Frames of a newer agent's schema are read when
 * the agent published its schema ({@link PublishedSchemas}). A record of a site's frames topic names its camera
 * {@code SITE:ID} ({@link CameraSites}), good or bad.
 */
public class FrameRecordDeserializer implements KafkaRecordDeserializationSchema<KafkaFrameRecord> {
    private final FrameLimits limits;
    private final PublishedSchemas.Source schemas;
    private final String framesTopic;
    private transient BinaryMessageDecoder<VideoFrame> decoder;

    /** A deserializer that reads the current VideoFrame schema and its earlier versions. */
    public FrameRecordDeserializer(FrameLimits limits) {
        this(limits, null, null);
    }

    /**
     * A deserializer that also reads frames of newer writers' schemas, published to a schemas topic ({@link
     * PublishedSchemas}), and knows the sites' frames topics by the frames topic's name (null: no sites).
     */
    public FrameRecordDeserializer(FrameLimits limits, PublishedSchemas.Source schemas, String framesTopic) {
        this.limits = limits;
        this.schemas = schemas;
        this.framesTopic = framesTopic;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        decoder();
    }

    private BinaryMessageDecoder<VideoFrame> decoder() {
        if (decoder == null) {
            decoder = schemas == null ? SingleObject.decoder(VideoFrame.class)
                    : SingleObject.decoder(VideoFrame.class, schemas.open());
        }
        return decoder;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaFrameRecord> out) {
        out.collect(read(record.topic(), record.partition(), record.offset(), record.timestamp(), record.key(),
                record.value()));
    }

    /**
     * One record of the frames topic, decoded and checked (never fails: a bad record comes out marked).
     *
     * @param timestamp the record's Kafka time; 0 or less when it has none (this machine's clock stands in)
     */
    public KafkaFrameRecord read(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        KafkaFrameRecord r = decode(topic, partition, offset, timestamp, key, value);
        String site = framesTopic == null ? null : CameraSites.siteOf(framesTopic, topic);
        if (site != null) {
            r.cameraId = r.cameraId == null ? null : CameraSites.cameraName(site, r.cameraId);
            r.key = r.key == null ? null : CameraSites.cameraName(site, r.key);
        }
        return r;
    }

    private KafkaFrameRecord decode(String topic, int partition, long offset, long timestamp, byte[] key,
                                    byte[] value) {
        byte[] bytes = value == null ? new byte[0] : value;
        KafkaFrameRecord r = new KafkaFrameRecord();
        r.topic = topic;
        r.partition = partition;
        r.offset = offset;
        r.kafkaTimestamp = timestamp;
        r.key = key == null ? null : new String(key, StandardCharsets.UTF_8);
        r.payloadSize = bytes.length;
        r.payloadPrefix = DeadLetters.prefix(bytes);
        r.cameraId = r.key;
        if (bytes.length > limits.maxRecordBytes()) {
            return problem(r, DeadLetterReason.OVERSIZED_RECORD, "record of " + bytes.length + " bytes exceeds "
                    + limits.maxRecordBytes());
        }
        VideoFrame frame;
        try {
            frame = decoder().decode(ByteBuffer.wrap(bytes));
        } catch (MissingSchemaException e) {
            return problem(r, DeadLetterReason.NOT_AVRO, "VideoFrame of an unknown schema (" + e.getMessage()
                    + (schemas == null ? ")" : "; not published to " + schemas.topic() + ")"));
        } catch (AvroTypeException e) {
            return problem(r, DeadLetterReason.INCOMPATIBLE_SCHEMA, "a VideoFrame of a writer schema that cannot "
                    + "be read as this job's: " + e.getMessage());
        } catch (IOException | RuntimeException e) { // Avro's own, or an index out of range in a corrupt body
            return problem(r, DeadLetterReason.NOT_AVRO, "not a VideoFrame record: " + e);
        }
        r.cameraId = frame.getCameraId();
        r.sequence = frame.getSequence();
        r.captureTimeMillis = frame.getCaptureTime().toEpochMilli();
        r.width = frame.getWidth();
        r.height = frame.getHeight();
        r.encoding = frame.getEncoding().name();
        ByteBuffer data = frame.getData();
        r.data = new byte[data.remaining()];
        data.get(r.data);
        String invalid = validate(frame, r);
        if (invalid != null) {
            return problem(r, DeadLetterReason.INVALID_FRAME, invalid);
        }
        long reference = timestamp > 0 ? timestamp : System.currentTimeMillis();
        if (r.captureTimeMillis - reference > limits.maxCaptureAheadMillis()) {
            return problem(r, DeadLetterReason.CAPTURE_TIME_AHEAD, "captured at " + frame.getCaptureTime() + ", "
                    + (r.captureTimeMillis - reference) + " ms ahead of its record time (at most "
                    + limits.maxCaptureAheadMillis() + " ms allowed)");
        }
        return r;
    }

    private String validate(VideoFrame frame, KafkaFrameRecord r) {
        if (r.cameraId == null || r.cameraId.isBlank()) {
            return "camera_id is empty";
        }
        String badId = CameraIds.problem(r.cameraId);
        if (badId != null) {
            r.cameraId = CameraIds.shown(r.cameraId); // a dead letter keeps no more of it
            r.key = CameraIds.shown(r.key);
            return badId;
        }
        if (r.key != null && !r.key.equals(r.cameraId)) {
            return "record key '" + CameraIds.shown(r.key) + "' differs from camera_id '" + r.cameraId + "'";
        }
        if (r.width < 1 || r.height < 1 || r.width > limits.maxFrameSide() || r.height > limits.maxFrameSide()) {
            return "frame size " + r.width + "x" + r.height + " is outside 1.." + limits.maxFrameSide();
        }
        if (frame.getEncoding() != FrameEncoding.JPEG && frame.getEncoding() != FrameEncoding.PNG) {
            return "unsupported encoding " + frame.getEncoding();
        }
        if (r.data.length == 0) {
            return "no image data";
        }
        return null;
    }

    private static KafkaFrameRecord problem(KafkaFrameRecord r, DeadLetterReason reason, String detail) {
        r.problem = reason;
        r.problemDetail = detail;
        r.data = null;
        return r;
    }

    @Override
    public TypeInformation<KafkaFrameRecord> getProducedType() {
        return TypeInformation.of(KafkaFrameRecord.class);
    }
}
