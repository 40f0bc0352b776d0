package io.emotionstream.bench;

import static io.emotionstream.bench.Stats.ms;
import static io.emotionstream.bench.Stats.percentile;

import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.ingest.CapturedFrame;
import io.emotionstream.ingest.FrameEncoder;
import io.emotionstream.ingest.FrameSource;
import io.emotionstream.schema.SingleObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The camera agent's own cost per camera, apart from the job. */
final class AgentBenchmark {
    private final PrintWriter log;

    AgentBenchmark(PrintWriter log) {
        this.log = log;
    }

    /**
     * The agent's work for one camera, on one thread: grabbing the video's frames (decoding them) and scaling them to
     * the camera size, then encoding each as the agent publishes it (JPEG, Avro). Medians of ms a frame, and the share
     * of a core a camera at 25 fps takes.
     */
    Map<String, Object> measure(Path video, int count, int width, int height) throws IOException {
        FrameEncoder encoder = FrameEncoder.agentDefaults();
        List<Long> capture = new ArrayList<>();
        List<Long> encode = new ArrayList<>();
        try (FrameSource source = CameraSpec.parse("bench=" + video).openSource()) {
            source.open();
            CapturedFrame frame;
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                frame = source.grab();
                if (frame == null) {
                    break;
                }
                BufferedImage image = BenchmarkFrames.scaled(frame.image(), width, height);
                long t1 = System.nanoTime();
                SingleObject.encode(encoder.encode("bench", i, System.currentTimeMillis(), image));
                long t2 = System.nanoTime();
                if (i >= 10) { // after warming up
                    capture.add(t1 - t0);
                    encode.add(t2 - t1);
                }
            }
        }
        double captureMs = ms(percentile(capture, 50));
        double encodeMs = ms(percentile(encode, 50));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("median_ms_capture_video_decode_and_scale", captureMs);
        r.put("median_ms_encode_jpeg_and_avro", encodeMs);
        r.put("cores_per_camera_at_25fps", Math.round((captureMs + encodeMs) * 25 / 10.0) / 100.0);
        log.printf("agent, one camera at %dx%d: capture %.2f ms, encode %.2f ms a frame = %.2f of a core at 25 fps%n",
                width, height, captureMs, encodeMs, (captureMs + encodeMs) * 25 / 1000);
        return r;
    }
}
