package io.emotionstream.face;

import io.emotionstream.model.ProjectPaths;
import io.emotionstream.image.RgbFrame;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Frames of the real webcam videos in samples/video, for tests. */
final class WebcamFrames {
    /** What a test does with one frame. */
    interface Visitor {
        void frame(int index, RgbFrame frame) throws Exception;
    }

    private WebcamFrames() {}

    /** Hands every {@code every}-th frame of the video (the first included) to the visitor; returns how many. */
    static int every(String video, int every, Visitor visitor) throws Exception {
        int sampled = 0;
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(
                ProjectPaths.home().resolve("samples/video").resolve(video).toFile());
             Java2DFrameConverter converter = new Java2DFrameConverter()) {
            grabber.start();
            Frame frame;
            for (int index = 0; (frame = grabber.grabImage()) != null; index++) {
                if (index % every == 0) {
                    visitor.frame(index, RgbFrame.of(converter.convert(frame)));
                    sampled++;
                }
            }
            grabber.stop();
        }
        return sampled;
    }
}
