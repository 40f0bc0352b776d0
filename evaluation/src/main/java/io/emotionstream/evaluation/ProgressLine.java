package io.emotionstream.evaluation;

import java.io.PrintWriter;

/**
 * Progress of long work: done/total, percent and rate. On a terminal one line is rewritten at most twice a second;
 * otherwise (logs, CI) a line is printed at most every five seconds.
 */
final class ProgressLine {
    private final PrintWriter err;
    private final String unit;
    private final boolean terminal = System.console() != null;
    private final long started = System.nanoTime();
    private long lastPrinted = started;

    ProgressLine(PrintWriter err, String unit) {
        this.err = err;
        this.unit = unit;
    }

    void update(int done, int total) {
        long now = System.nanoTime();
        long interval = terminal ? 500_000_000L : 5_000_000_000L;
        if (now - lastPrinted < interval && done != total) {
            return;
        }
        lastPrinted = now;
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        err.printf("%s%d/%d %s (%.0f%%), %.0f %s/s%s", terminal ? "\r" : "", done, total, unit,
                100.0 * done / Math.max(1, total), done / seconds, unit, terminal ? " " : System.lineSeparator());
        err.flush();
    }

    /** Progress of work whose total is not known in advance: the count so far and the rate. */
    void count(int done) {
        long now = System.nanoTime();
        if (now - lastPrinted < (terminal ? 500_000_000L : 5_000_000_000L)) {
            return;
        }
        lastPrinted = now;
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        err.printf("%s%d %s, %.0f %s/s%s", terminal ? "\r" : "", done, unit, done / seconds, unit,
                terminal ? " " : System.lineSeparator());
        err.flush();
    }

    void finish() {
        if (terminal) {
            err.println();
            err.flush();
        }
    }
}
