package io.emotionstream.ingest;

import java.io.IOException;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/** A webcam (V4L2 device), an RTSP/HTTP stream or a video file, decoded by FFmpeg through JavaCV. */
final class FfmpegSource implements FrameSource {
    private final String location;
    private final String format;
    private final boolean live;
    private FFmpegFrameGrabber grabber;
    private final Java2DFrameConverter converter = new Java2DFrameConverter();

    /**
     * @param location a device (/dev/video0), a URL or a file path
     * @param format an FFmpeg input format (video4linux2 for webcams), or null to let FFmpeg probe
     */
    FfmpegSource(String location, String format, boolean live) {
        this.location = location;
        this.format = format;
        this.live = live;
    }

    @Override
    public void open() throws IOException {
        close();
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(location);
        if (format != null) {
            g.setFormat(format);
        }
        if (live && location.startsWith("rtsp:")) {
            g.setOption("rtsp_transport", "tcp");
        }
        if (live) {
            g.setOption("timeout", "5000000"); // microseconds without data before a network read fails
        }
        try {
            g.start();
        } catch (FrameGrabber.Exception e) {
            try {
                g.release();
            } catch (FrameGrabber.Exception ignored) {
                // already failing
            }
            throw new IOException("cannot open " + location + ": " + e.getMessage(), e);
        }
        grabber = g;
    }

    @Override
    public CapturedFrame grab() throws IOException {
        if (grabber == null) {
            throw new IOException(location + " is not open");
        }
        try {
            Frame frame = grabber.grabImage();
            if (frame == null) {
                return null;
            }
            // copy: the converter reuses its image for the next frame
            return new CapturedFrame(Images.copy(converter.convert(frame)), System.currentTimeMillis());
        } catch (FrameGrabber.Exception e) {
            throw new IOException("reading " + location + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public double frameRate() {
        return grabber == null ? 0 : grabber.getFrameRate();
    }

    @Override
    public boolean live() {
        return live;
    }

    @Override
    public String describe() {
        return location;
    }

    @Override
    public void close() {
        if (grabber != null) {
            try {
                grabber.release();
            } catch (FrameGrabber.Exception ignored) {
                // closing anyway
            }
            grabber = null;
        }
    }
}
