package io.emotionstream.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {
    private static final Instant CAPTURED = Instant.ofEpochMilli(1_764_000_000_123L);

    @Test
    void todaysReaderReadsARecordWrittenByALaterVersion() throws Exception {
        Schema v2;
        try (InputStream in = getClass().getResourceAsStream("/evolved/VideoFrame-v2.avsc")) {
            v2 = new Schema.Parser().parse(in);
        }
        GenericRecord later = new GenericData.Record(v2);
        later.put("camera_id", "door");
        later.put("sequence", 42L);
        later.put("capture_time", CAPTURED.toEpochMilli());
        later.put("encoding", new GenericData.EnumSymbol(v2.getField("encoding").schema(), "WEBP"));
        later.put("width", 640);
        later.put("height", 480);
        later.put("rotation_degrees", 90);
        later.put("agent_version", "2.0");
        later.put("data", ByteBuffer.wrap(new byte[] {9, 8, 7}));
        ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(later);

        // the reader knows the writer's schema by its fingerprint (as a schema store provides it)
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(v2);
        BinaryMessageDecoder<VideoFrame> decoder = VideoFrame.createDecoder(store);
        VideoFrame frame = decoder.decode(bytes);

        assertEquals("door", frame.getCameraId());
        assertEquals(42L, frame.getSequence());
        assertEquals(CAPTURED, frame.getCaptureTime());
        assertEquals(640, frame.getWidth());
        assertEquals(480, frame.getHeight());
        assertEquals(FrameEncoding.UNKNOWN, frame.getEncoding(), "a symbol it does not know maps to the default");
        assertArrayEquals(new byte[] {9, 8, 7}, frame.getData().array());
    }

    @Test
    void recordsRoundTripInSingleObjectEncoding() throws Exception {
        EmotionEvent event = EmotionEvent.newBuilder()
                .setCameraId("lobby").setClipStartTime(CAPTURED).setClipEndTime(CAPTURED.plusMillis(1160))
                .setFirstSequence(30).setLastSequence(59).setFramesUsed(28)
                .setFaceBox(new FaceBox(10, 20, 120, 120)).setLabel("happy").setConfidence(0.8f)
                .setProbabilities(List.of(new LabelProbability("neutral", 0.2f), new LabelProbability("happy", 0.8f)))
                .setModelName("compact-r2plus1d").setModelVersion("1.0.0").setProcessingLatencyMs(85)
                .build();
        assertEquals(event, EmotionEvent.fromByteBuffer(event.toByteBuffer()));

        DeadLetter letter = DeadLetter.newBuilder().setReason("NOT_AVRO").setDetail("no single-object header")
                .setSourceTopic(Topics.FRAMES.defaultName()).setSourcePartition(0).setSourceOffset(7)
                .setPayloadSize(3).setPayloadPrefix(ByteBuffer.wrap(new byte[] {1, 2, 3})).setFailedAt(CAPTURED)
                .build();
        DeadLetter read = DeadLetter.fromByteBuffer(letter.toByteBuffer());
        assertEquals(letter, read);
        assertNull(read.getCameraId());
    }

    @Test
    void anEventOfTheVersionBeforeFramesLookedAtStillReads() throws Exception {
        Schema v3;
        try (InputStream in = SingleObject.class.getResourceAsStream("history/EmotionEvent-3.avsc")) {
            v3 = new Schema.Parser().parse(in);
        }
        EmotionEvent today = EmotionEvent.newBuilder()
                .setCameraId("lobby").setClipStartTime(CAPTURED).setClipEndTime(CAPTURED.plusMillis(1160))
                .setFirstSequence(30).setLastSequence(59).setFramesUsed(28).setLabel("happy").setConfidence(0.8f)
                .setProbabilities(List.of(new LabelProbability("happy", 0.8f)))
                .setModelName("compact-r2plus1d").setModelVersion("3.0.0").setProcessingLatencyMs(85)
                .setFaceTrack(2).setFacesInView(2).build();
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMillisConversion());
        GenericRecord old = new GenericData.Record(v3);
        for (Schema.Field field : v3.getFields()) {
            Object value = today.get(field.name());
            old.put(field.name(), value instanceof SpecificRecord
                    ? GenericData.get().deepCopy(field.schema(), value) : value);
        }
        ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(model, v3).encode(old);
        byte[] array = new byte[bytes.remaining()];
        bytes.get(array);
        EmotionEvent read = SingleObject.decode(EmotionEvent.class, array);
        assertEquals(0, read.getFramesLookedAt(), "the new field at its default");
        assertEquals(28, read.getFramesUsed());
        assertEquals(2, read.getFaceTrack());
    }

    @Test
    void bytesThatAreNoAvroRecordAreRefused() {
        assertThrows(AvroRuntimeException.class,
                () -> VideoFrame.fromByteBuffer(ByteBuffer.wrap("plain text, not Avro".getBytes())));
    }
}
