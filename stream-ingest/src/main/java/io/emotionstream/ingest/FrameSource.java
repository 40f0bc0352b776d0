package io.emotionstream.ingest;

import java.io.IOException;

/** Where a camera's frames come from. Not thread-safe: one publisher thread owns a source. */
public interface FrameSource extends AutoCloseable {
    /** Opens (or reopens, after close) the source. */
    void open() throws IOException;

    /** The next frame, or null at the end of a finite source (a file or folder). */
    CapturedFrame grab() throws IOException;

    /** Frames per second the source delivers natively, or 0 when unknown. */
    double frameRate();

    /** True for live sources (webcams, network streams): they pace themselves and are reconnected when they drop. */
    boolean live();

    /** A description for logs and status lines. */
    String describe();

    @Override
    void close();
}
