package io.emotionstream.bench;

import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.ingest.CapturedFrame;
import io.emotionstream.ingest.FrameEncoder;
import io.emotionstream.ingest.FrameSource;
import io.emotionstream.job.FrameLimits;
import io.emotionstream.job.FrameRecordDeserializer;
import io.emotionstream.job.KafkaFrameRecord;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.Topics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The benchmarks' input: frames of a video at a camera's size, as the agent publishes them and the job reads them. */
final class BenchmarkFrames {
    private BenchmarkFrames() {}

    /**
     * The first {@code count} frames of the video scaled to the camera size, encoded by the agent's encoder (its
     * defaults) and read by the job's deserializer.
     */
    static List<KafkaFrameRecord> of(Path video, int count, int width, int height) throws IOException {
        FrameEncoder encoder = FrameEncoder.agentDefaults();
        FrameRecordDeserializer deserializer = new FrameRecordDeserializer(FrameLimits.defaults());
        byte[] key = "bench".getBytes(StandardCharsets.UTF_8);
        List<KafkaFrameRecord> records = new ArrayList<>();
        try (FrameSource source = CameraSpec.parse("bench=" + video).openSource()) {
            source.open();
            CapturedFrame frame;
            while (records.size() < count && (frame = source.grab()) != null) {
                long sequence = records.size();
                long time = System.currentTimeMillis();
                byte[] value = SingleObject.encode(encoder.encode("bench", sequence, time,
                        scaled(frame.image(), width, height)));
                records.add(deserializer.read(Topics.FRAMES.defaultName(), 0, sequence, time, key, value));
            }
        }
        if (records.isEmpty()) {
            throw new IllegalArgumentException("no frames in " + video);
        }
        return records;
    }

    /** The image scaled to a camera's size (bilinear), as a camera of that resolution would capture it. */
    static BufferedImage scaled(BufferedImage image, int width, int height) {
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return scaled;
    }
}
