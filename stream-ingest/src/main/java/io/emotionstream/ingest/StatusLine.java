package io.emotionstream.ingest;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The agent's live status: per camera frames sent, frames/s and bytes, and its state. */
final class StatusLine {
    private final PrintWriter out;
    private final List<CameraStats> cameras;
    private final boolean terminal = System.console() != null;
    private final Map<String, long[]> previous = new HashMap<>();
    private long lastNanos = System.nanoTime();
    private long lastPrinted;

    StatusLine(PrintWriter out, List<CameraStats> cameras) {
        this.out = out;
        this.cameras = cameras;
    }

    void print(boolean last) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        lastNanos = now;
        StringBuilder line = new StringBuilder();
        for (CameraStats c : cameras) {
            long[] before = previous.getOrDefault(c.cameraId(), new long[2]);
            long frames = c.framesSent();
            long bytes = c.bytesSent();
            previous.put(c.cameraId(), new long[] {frames, bytes});
            if (line.length() > 0) {
                line.append(" | ");
            }
            line.append(String.format("%s %s: %d frames, %.1f fps, %.1f MB%s%s", c.cameraId(),
                    c.state().name().toLowerCase(), frames, (frames - before[0]) / seconds, bytes / 1e6,
                    c.sendErrors() > 0 ? ", " + c.sendErrors() + " send errors" : "",
                    c.framesDropped() > 0 ? ", " + c.framesDropped() + " dropped (broker unreachable)" : ""));
        }
        if (terminal) {
            out.print("\r" + line + "   ");
            if (last) {
                out.println();
            }
        } else if (last || now - lastPrinted > 10_000_000_000L) {
            out.println(line);
            lastPrinted = now;
        }
        out.flush();
    }
}
