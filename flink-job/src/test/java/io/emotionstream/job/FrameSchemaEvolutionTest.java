package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.schema.DeadLetterReason;
import io.emotionstream.schema.PublishedSchemas;
import io.emotionstream.schema.Topics;
import io.emotionstream.schema.VideoFrame;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * Frames from a newer agent: a VideoFrame schema evolved compatibly (an added field with a default) is read by this
 * job once the agent published it to the schemas topic; one evolved incompatibly (a field's type changed) is a dead
 * letter with its own reason; one never published stays unknown.
 */
class FrameSchemaEvolutionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsANewerCompatibleSchemaAndRefusesAnIncompatibleOne() throws Exception {
        Schema newer = evolved(fields -> fields.addObject().put("name", "exposure_ms")
                .put("type", "float").put("default", 0.0));
        Schema incompatible = evolved(fields -> ((ObjectNode) fields.get(3)).put("type", "string")); // width
        Schema unpublished = evolved(fields -> fields.addObject().put("name", "lens").put("type", "string")
                .put("default", "wide"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopics(List.of(Topics.SCHEMAS.newTopic("schemas")));
            PublishedSchemas.Source source = new PublishedSchemas.Source(broker.bootstrapServers(), "schemas", Map.of());
            PublishedSchemas.publish(source, newer, Duration.ofSeconds(10));
            PublishedSchemas.publish(source, incompatible, Duration.ofSeconds(10));
            FrameRecordDeserializer deserializer = new FrameRecordDeserializer(FrameLimits.defaults(), source, null);

            KafkaFrameRecord read = read(deserializer, encode(newer, 32, 12.5f));
            assertTrue(read.usable(), read.problem + ": " + read.problemDetail);
            assertEquals("cam", read.cameraId);
            assertEquals(7, read.sequence);
            assertEquals(32, read.width);

            KafkaFrameRecord refused = read(deserializer, encode(incompatible, "32", null));
            assertEquals(DeadLetterReason.INCOMPATIBLE_SCHEMA, refused.problem, refused.problemDetail);
            assertTrue(refused.problemDetail.contains("cannot be read as this job's"), refused.problemDetail);

            KafkaFrameRecord unknown = read(deserializer, encode(unpublished, 32, "tele"));
            assertEquals(DeadLetterReason.NOT_AVRO, unknown.problem);
            assertTrue(unknown.problemDetail.contains("not published to schemas"), unknown.problemDetail);

            KafkaFrameRecord withoutTopic = read(new FrameRecordDeserializer(FrameLimits.defaults()),
                    encode(newer, 32, 1f));
            assertEquals(DeadLetterReason.NOT_AVRO, withoutTopic.problem, "without the schemas topic it is unknown");
            assertNull(withoutTopic.data);
        }
    }

    private static KafkaFrameRecord read(FrameRecordDeserializer deserializer, byte[] value) {
        return deserializer.read("frames", 0, 0, System.currentTimeMillis(), "cam".getBytes(), value);
    }

    /** VideoFrame's schema with its fields changed. */
    private static Schema evolved(Consumer<ArrayNode> change) throws Exception {
        ObjectNode schema = (ObjectNode) JSON.readTree(VideoFrame.getClassSchema().toString());
        change.accept((ArrayNode) schema.get("fields"));
        return new Schema.Parser().parse(schema.toString());
    }

    /** A frame (a 1-byte PNG stand-in is enough for the reader) written with a schema; extra is the added field. */
    private static byte[] encode(Schema schema, Object width, Object extra) throws Exception {
        GenericRecord frame = new GenericData.Record(schema);
        frame.put("camera_id", "cam");
        frame.put("sequence", 7L);
        frame.put("capture_time", System.currentTimeMillis());
        frame.put("width", width);
        frame.put("height", 32);
        frame.put("encoding", new GenericData.EnumSymbol(schema.getField("encoding").schema(), "PNG"));
        frame.put("data", ByteBuffer.wrap(new byte[] {1}));
        if (extra != null) {
            frame.put(schema.getFields().get(schema.getFields().size() - 1).name(), extra);
        }
        ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(frame);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
