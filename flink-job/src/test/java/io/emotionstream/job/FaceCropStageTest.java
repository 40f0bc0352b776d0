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
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deserializer and the face stage, with real dlib on the shared photographs, and their handling of bad records. */
class FaceCropStageTest {
    private static final Path STILLS = ProjectPaths.sharedData().resolve("stills");
    private KeyedOneInputStreamOperatorTestHarness<String, KafkaFrameRecord, FaceFrame> harness;
    private final FrameRecordDeserializer deserializer = new FrameRecordDeserializer(new FrameLimits(2_000_000, 4096, 10_000));
    private long offset;

    @BeforeEach
    void open() throws Exception {
        FaceStageSettings settings = FaceStageSettings.defaults(DlibFaceDetector.DEBIAN_LANDMARK_MODEL.toString(),
                FaceStageSettings.DEFAULT_KEYFRAME_INTERVAL);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new FaceCropStage(ModelDescriptor.load(ProjectPaths.defaultModel()), settings,
                        ClipGrid.everyFrame(ClipSettings.defaults(30)))),
                KafkaFrameRecord::cameraKey, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void cropsTheFaceOfAPhotographAtTheModelsSize() throws Exception {
        assumeTrue(Files.isDirectory(STILLS), "needs ../shared/data: the stills not found at " + STILLS);
        BufferedImage photo = ImageIO.read(STILLS.resolve("astronaut.png").toFile());
        send("cam", frame("cam", 7, photo, "jpg"));
        List<FaceFrame> out = harness.extractOutputValues();
        assertEquals(1, out.size());
        assertEquals(1, out.get(0).faces.length);
        assertEquals(7, out.get(0).sequence);
        FaceFrame.Face face = out.get(0).faces[0];
        assertEquals(1, face.track, "the camera's first face");
        assertEquals(48, face.cropWidth);
        assertEquals(48, face.cropHeight);
        assertEquals(1, face.cropChannels, "gray: the default model reads only luma");
        assertEquals(48 * 48, face.crop.length);
        assertTrue(face.width > 80 && face.x > 100 && face.x < 300, "box " + face.x + " " + face.width);
        assertTrue(rejected().isEmpty());
    }

    @Test
    void onlyTheFramesTheModelReadsAreDecodedAndSearched() throws Exception {
        assumeTrue(Files.isDirectory(STILLS), "needs ../shared/data: the stills not found at " + STILLS);
        harness.close();
        ModelDescriptor model = ModelDescriptor.load(ProjectPaths.defaultModel());
        ClipGrid grid = ClipGrid.of(ClipSettings.defaults(model.clipLength()), model.frameIndices());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new FaceCropStage(model,
                FaceStageSettings.defaults(DlibFaceDetector.DEBIAN_LANDMARK_MODEL.toString(),
                        FaceStageSettings.DEFAULT_KEYFRAME_INTERVAL), grid)), KafkaFrameRecord::cameraKey, Types.STRING);
        harness.open();
        BufferedImage photo = ImageIO.read(STILLS.resolve("astronaut.png").toFile());
        int read = model.frameIndices()[0];
        VideoFrame broken = VideoFrame.newBuilder().setCameraId("cam").setSequence(read - 1)
                .setCaptureTime(Instant.now()).setWidth(320).setHeight(240).setEncoding(FrameEncoding.JPEG)
                .setData(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3})).build();
        send("cam", SingleObject.encode(broken));
        send("cam", frame("cam", read, photo, "jpg"));
        send("cam", SingleObject.encode(VideoFrame.newBuilder(broken).setSequence(read + 1).build()));
        send("cam", SingleObject.encode(VideoFrame.newBuilder(broken).setSequence(read + model.clipLength()).build()));

        List<FaceFrame> out = harness.extractOutputValues();
        assertEquals(List.of("false 0", "true 1", "false 0"),
                out.stream().map(f -> f.looked + " " + f.faces.length).toList(),
                "frames the model does not read pass on undecoded, as counts");
        assertEquals(List.of((long) read - 1, (long) read, (long) read + 1), out.stream().map(f -> f.sequence).toList());
        assertEquals(List.of(DeadLetterReason.UNDECODABLE_IMAGE), rejected().stream().map(r -> r.reason).toList(),
                "a broken image is noticed where the model reads it");
    }

    @Test
    void aFrameWithoutAFacePassesAsSuch() throws Exception {
        send("cam", frame("cam", 1, new BufferedImage(320, 240, BufferedImage.TYPE_3BYTE_BGR), "png"));
        FaceFrame frame = harness.extractOutputValues().get(0);
        assertEquals(0, frame.faces.length);
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
    void aCameraIdOfTenThousandCharactersIsRefusedAndNotKeptWhole() throws Exception {
        String id = "c".repeat(10_000);
        send(id, frame(id, 1, new BufferedImage(32, 32, BufferedImage.TYPE_3BYTE_BGR), "png"));
        send("bad id!", frame("bad id!", 2, new BufferedImage(32, 32, BufferedImage.TYPE_3BYTE_BGR), "png"));
        assertTrue(harness.extractOutputValues().isEmpty());
        List<Rejection> rejected = rejected();
        assertEquals(List.of(DeadLetterReason.INVALID_FRAME, DeadLetterReason.INVALID_FRAME),
                rejected.stream().map(r -> r.reason).toList());
        assertTrue(rejected.get(0).detail.contains("(10000 characters) must be 1-64"), rejected.get(0).detail);
        assertTrue(rejected.get(0).cameraId.length() < 100 && rejected.get(0).detail.length() < 300,
                "the dead letter keeps a prefix of the id");
        assertTrue(rejected.get(1).detail.contains("must be 1-64 letters, digits"), rejected.get(1).detail);
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

    @Test
    void aFrameCapturedFarAheadOfItsRecordTimeIsRejectedAndOneWithinTheAllowanceIsNot() throws Exception {
        long recordTime = 1_700_000_000_000L;
        VideoFrame ahead = VideoFrame.newBuilder().setCameraId("cam").setSequence(1)
                .setCaptureTime(Instant.parse("2100-01-01T00:00:00Z")).setWidth(32).setHeight(32)
                .setEncoding(FrameEncoding.PNG).setData(ByteBuffer.wrap(png(new BufferedImage(32, 32,
                        BufferedImage.TYPE_3BYTE_BGR)))).build();
        harness.processElement(new StreamRecord<>(deserializer.read("frames", 0, 0, recordTime, "cam".getBytes(),
                SingleObject.encode(ahead))));
        VideoFrame slightlyAhead = VideoFrame.newBuilder(ahead).setSequence(2)
                .setCaptureTime(Instant.ofEpochMilli(recordTime + 9_000)).build();
        KafkaFrameRecord accepted = deserializer.read("frames", 0, 1, recordTime, "cam".getBytes(),
                SingleObject.encode(slightlyAhead));
        harness.processElement(new StreamRecord<>(accepted));

        List<Rejection> rejected = rejected();
        assertEquals(List.of(DeadLetterReason.CAPTURE_TIME_AHEAD), rejected.stream().map(r -> r.reason).toList());
        assertTrue(rejected.get(0).detail.contains("ms ahead of its record time"), rejected.get(0).detail);
        assertEquals(recordTime, deserializer.read("frames", 0, 0, recordTime, "cam".getBytes(),
                SingleObject.encode(ahead)).eventTime(), "a refused frame's time is its record's, not its own");
        assertEquals(List.of(2L), harness.extractOutputValues().stream().map(f -> f.sequence).toList());
    }

    @Test
    void aCorruptBodyBehindAValidHeaderIsNotAvroAndNeverAnException() throws Exception {
        byte[] valid = frame("cam", 1, new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR), "png");
        for (byte fill : new byte[] {(byte) 0xff, (byte) 0x7f, 0x01}) {
            byte[] corrupt = valid.clone();
            java.util.Arrays.fill(corrupt, 10, corrupt.length, fill); // keep the 10-byte single-object header
            KafkaFrameRecord record = deserializer.read("frames", 0, 0, 0, "cam".getBytes(), corrupt);
            assertEquals(DeadLetterReason.NOT_AVRO, record.problem, record.problemDetail);
        }
    }

    @Test
    void pngDataLabelledJpegIsDecodedAndACmykJpegIsRejectedAsUndecodable() throws Exception {
        byte[] pngBytes = png(new BufferedImage(32, 32, BufferedImage.TYPE_3BYTE_BGR));
        VideoFrame mislabelled = VideoFrame.newBuilder().setCameraId("cam").setSequence(1)
                .setCaptureTime(Instant.now()).setWidth(32).setHeight(32).setEncoding(FrameEncoding.JPEG)
                .setData(ByteBuffer.wrap(pngBytes)).build();
        send("cam", SingleObject.encode(mislabelled));
        // four 8-bit components: a CMYK JPEG as print workflows write; Java decodes it to black, so it is refused
        ByteArrayOutputStream cmyk = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(cmyk)) {
            writer.setOutput(out);
            WritableRaster raster = Raster.createBandedRaster(DataBuffer.TYPE_BYTE, 32, 32, 4, null);
            writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }
        send("cam", SingleObject.encode(VideoFrame.newBuilder(mislabelled).setSequence(2)
                .setData(ByteBuffer.wrap(cmyk.toByteArray())).build()));

        assertEquals(List.of(1L), harness.extractOutputValues().stream().map(f -> f.sequence).toList(),
                "PNG data is decoded whatever its label says");
        List<Rejection> rejected = rejected();
        assertEquals(List.of(DeadLetterReason.UNDECODABLE_IMAGE), rejected.stream().map(r -> r.reason).toList());
        assertTrue(rejected.get(0).detail.contains("CMYK"), rejected.get(0).detail);
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
