package io.emotionstream.ingest;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Live counters of one camera's publisher, read by the status line and by callers. */
public final class CameraStats {
    public enum State { CONNECTING, STREAMING, RECONNECTING, FINISHED, FAILED, STOPPED }

    private final String cameraId;
    final AtomicLong framesSent = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicLong sendErrors = new AtomicLong();
    final AtomicLong framesDropped = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    final AtomicReference<State> state = new AtomicReference<>(State.CONNECTING);
    final AtomicReference<String> lastError = new AtomicReference<>();

    CameraStats(String cameraId) {
        this.cameraId = cameraId;
    }

    public String cameraId() {
        return cameraId;
    }

    /** Frames the broker acknowledged. */
    public long framesSent() {
        return framesSent.get();
    }

    public long bytesSent() {
        return bytesSent.get();
    }

    public long sendErrors() {
        return sendErrors.get();
    }

    /** Frames dropped, oldest first, while the broker could not take them and the send queue was full. */
    public long framesDropped() {
        return framesDropped.get();
    }

    /** Times the source was opened again after it failed or dropped. */
    public long reconnects() {
        return reconnects.get();
    }

    public State state() {
        return state.get();
    }

    public String lastError() {
        return lastError.get();
    }
}
