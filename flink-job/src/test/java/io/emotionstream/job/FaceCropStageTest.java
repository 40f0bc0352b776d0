package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.schema.DeadLetterReason;
import io.emotionstream.schema.DeadLetters;
import io.emotionstream.schema.FrameEncoding;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.VideoFrame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deserializer and the face stage, with real dlib on the shared photographs, and their handling of bad records. */
class FaceCropStageTest {
    private static final Path STILLS = ProjectPaths.sharedData().resolve("stills");
    private OneInputStreamOperatorTestHarness<KafkaFrameRecord, FaceFrame> harness;
    private final FrameRecordDeserializer deserializer = new FrameRecordDeserializer(2_000_000, 4096);
    private long offset;

    @BeforeEach
    void open() throws Exception {
        FaceStageSettings settings = new FaceStageSettings(DlibFaceDetector.DEBIAN_LANDMARK_MODEL.toString(), 0, 0.2);
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(
                new FaceCropStage(ModelDescriptor.load(ProjectPaths.defaultModel()), settings)));
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void cropsTheFaceOfAPhotographAtTheModelsSize() throws Exception {
        assumeTrue(Files.isDirectory(STILLS), "shared stills not found at " + STILLS);
        BufferedImage photo = ImageIO.read(STILLS.resolve("astronaut.png").toFile());
        send("cam", frame("cam", 7, photo, "jpg"));
        List<FaceFrame> out = harness.extractOutputValues();
        assertEquals(1, out.size());
        FaceFrame face = out.get(0);
        assertTrue(face.faceFound);
        assertEquals(48, face.cropWidth);
        assertEquals(48, face.cropHeight);
        assertEquals(48 * 48 * 3, face.crop.length);
        assertEquals(7, face.sequence);
        assertTrue(face.faceWidth > 80 && face.faceX > 100 && face.faceX < 300, "box " + face.faceX + " " + face.faceWidth);
        assertTrue(rejected().isEmpty());
    }

    @Test
    void aFrameWithoutAFacePassesAsSuch() throws Exception {
        send("cam", frame("cam", 1, new BufferedImage(320, 240, BufferedImage.TYPE_3BYTE_BGR), "png"));
        FaceFrame frame = harness.extractOutputValues().get(0);
        assertFalse(frame.faceFound);
        assertEquals(0, frame.crop.length);
    }

    @Test
    void badRecordsAreRejectedWithAReason() throws Exception {
        send("cam", "definitely not avro".getBytes());
        VideoFrame broken = VideoFrame.newBuilder().setCameraId("cam").setSequence(2).setCaptureTime(Instant.now())
                .setWidth(320).setHeight(240).setEncoding(FrameEncoding.JPEG)
                .setData(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3})).build();
        send("cam", SingleObject.encode(broken));
        send("other", frame("cam", 3, new BufferedImage(32, 32, BufferedImage.TYPE_3BYTE_BGR), "png"));
        VideoFrame lying = VideoFrame.newBuilder(broken).setSequence(4).setWidth(64).setHeight(64)
                .setEncoding(FrameEncoding.PNG).setData(ByteBuffer.wrap(png(new BufferedImage(32, 32, BufferedImage.TYPE_3BYTE_BGR))))
                .build();
        send("cam", SingleObject.encode(lying));
        send("cam", new byte[3_000_000]);
        assertTrue(harness.extractOutputValues().isEmpty());
        List<Rejection> rejected = rejected();
        assertEquals(List.of(DeadLetterReason.NOT_AVRO, DeadLetterReason.UNDECODABLE_IMAGE, DeadLetterReason.INVALID_FRAME,
                DeadLetterReason.INVALID_FRAME, DeadLetterReason.OVERSIZED_RECORD), rejected.stream().map(r -> r.reason).toList());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), rejected.stream().map(r -> r.sourceOffset).toList());
        assertTrue(rejected.get(2).detail.contains("differs from camera_id"), rejected.get(2).detail);
        assertEquals(DeadLetters.PAYLOAD_PREFIX_BYTES, rejected.get(4).payloadPrefix.length);
        assertEquals(3_000_000, rejected.get(4).payloadSize);
    }

    @Test
    void aJpegWhoseHeaderClaimsAnotherSizeIsRejectedFromItsHeader() throws Exception {
        BufferedImage small = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(small, "jpg", jpeg);
        byte[] bytes = jpeg.toByteArray();
        for (int i = 0; i + 8 < bytes.length; i++) { // the frame header (SOF0): FF C0, length, precision, height, width
            if ((bytes[i] & 0xff) == 0xff && (bytes[i + 1] & 0xff) == 0xc0) {
                bytes[i + 5] = (byte) (20_000 >> 8);
                bytes[i + 6] = (byte) (20_000 & 0xff);
                bytes[i + 7] = (byte) (20_000 >> 8);
                bytes[i + 8] = (byte) (20_000 & 0xff);
                break;
            }
        }
        VideoFrame claimsLess = VideoFrame.newBuilder().setCameraId("cam").setSequence(1).setCaptureTime(Instant.now())
                .setWidth(64).setHeight(48).setEncoding(FrameEncoding.JPEG).setData(ByteBuffer.wrap(bytes)).build();
        send("cam", SingleObject.encode(claimsLess));
        List<Rejection> rejected = rejected();
        assertEquals(List.of(DeadLetterReason.INVALID_FRAME), rejected.stream().map(r -> r.reason).toList());
        assertTrue(rejected.get(0).detail.contains("image is 20000x20000 but the record says 64x48"),
                rejected.get(0).detail);
    }

    private List<Rejection> rejected() {
        return harness.getSideOutput(FaceCropStage.REJECTED) == null ? List.of()
                : harness.getSideOutput(FaceCropStage.REJECTED).stream().map(StreamRecord::getValue).toList();
    }

    private void send(String key, byte[] value) throws Exception {
        harness.processElement(new StreamRecord<>(deserializer.read("frames", 0, offset++, 0, key.getBytes(), value)));
    }

    private static byte[] frame(String camera, long sequence, BufferedImage image, String format) throws Exception {
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        rgb.getGraphics().drawImage(image, 0, 0, null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(rgb, format, bytes);
        VideoFrame frame = VideoFrame.newBuilder().setCameraId(camera).setSequence(sequence)
                .setCaptureTime(Instant.ofEpochMilli(1_000_000 + sequence * 40)).setWidth(image.getWidth())
                .setHeight(image.getHeight()).setEncoding(format.equals("png") ? FrameEncoding.PNG : FrameEncoding.JPEG)
                .setData(ByteBuffer.wrap(bytes.toByteArray())).build();
        return SingleObject.encode(frame);
    }

    private static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }
}
