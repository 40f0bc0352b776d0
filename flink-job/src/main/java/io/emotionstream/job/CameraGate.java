package io.emotionstream.job;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fair share for each camera, free of Flink ({@link FairShare} runs one per source subtask): which cameras are let
 * in, and how many of their frames.
 * <ul>
 *   <li><b>Frame rate.</b> A camera may send {@code maxFramesPerSecond} frames a second, with a burst of a second's
 *   worth; frames beyond are dropped, not queued. Its credit grows with whichever moved further since its last frame:
 *   its newest capture time (so that frames an agent kept through an outage, or a backlog after a restart, catch up
 *   as fast as the job can take them) or arrival time (so that a clock that stepped back still earns real time). A
 *   camera that lies about its clock gets at most twice its share in the long run: its newest capture time cannot run
 *   ahead of the broker's time by more than the job allows ({@code CAPTURE_TIME_AHEAD}).</li>
 *   <li><b>Admission.</b> At most {@code maxCameras} cameras are known at once, and new ones are let in at
 *   {@code newCamerasPerSecond} (a burst of as many). A camera that sent nothing for {@code forgetAfterMillis} is
 *   forgotten. Frames of a camera not let in are refused; its next frame asks again.</li>
 * </ul>
 */
final class CameraGate {
    /** What becomes of a frame. */
    enum Verdict { PASS, OVER_RATE, CAMERA_REFUSED }

    /** One camera's share: its credit, in milliseconds of frames. */
    private static final class Share {
        double creditMillis;
        long newestCapture;
        long lastArrival;
    }

    private final double frameCostMillis;
    private final int maxCameras;
    private final double newCamerasPerSecond;
    private final long forgetAfterMillis;
    /** The known cameras, the longest silent first (access order). */
    private final LinkedHashMap<String, Share> cameras = new LinkedHashMap<>(16, 0.75f, true);
    private double admissions;
    private long admissionsAt = Long.MIN_VALUE;

    CameraGate(int maxFramesPerSecond, int maxCameras, int newCamerasPerSecond, long forgetAfterMillis) {
        if (maxFramesPerSecond < 1 || maxCameras < 1 || newCamerasPerSecond < 1 || forgetAfterMillis < 1) {
            throw new IllegalArgumentException("a camera gate needs a positive frame rate, camera count, admission "
                    + "rate and memory, got " + maxFramesPerSecond + ", " + maxCameras + ", " + newCamerasPerSecond
                    + " and " + forgetAfterMillis + " ms");
        }
        this.frameCostMillis = 1000.0 / maxFramesPerSecond;
        this.maxCameras = maxCameras;
        this.newCamerasPerSecond = newCamerasPerSecond;
        this.forgetAfterMillis = forgetAfterMillis;
    }

    /**
     * The verdict on a camera's frame.
     *
     * @param captureTimeMillis the frame's capture time, as its camera says
     * @param now when it arrived (processing time)
     */
    Verdict admit(String camera, long captureTimeMillis, long now) {
        forgetSilent(now);
        Share share = cameras.get(camera);
        if (share == null) {
            if (cameras.size() >= maxCameras || !takeAdmission(now)) {
                return Verdict.CAMERA_REFUSED;
            }
            share = new Share();
            share.creditMillis = 1000;
            share.newestCapture = captureTimeMillis;
            share.lastArrival = now;
            cameras.put(camera, share);
        }
        long arrived = Math.max(0, now - share.lastArrival);
        long captured = Math.max(0, captureTimeMillis - share.newestCapture);
        share.creditMillis = Math.min(1000, share.creditMillis + Math.max(arrived, captured));
        share.newestCapture = Math.max(share.newestCapture, captureTimeMillis);
        share.lastArrival = now;
        if (share.creditMillis < frameCostMillis) {
            return Verdict.OVER_RATE;
        }
        share.creditMillis -= frameCostMillis;
        return Verdict.PASS;
    }

    /** The cameras known now. */
    int cameras() {
        return cameras.size();
    }

    private boolean takeAdmission(long now) {
        if (admissionsAt == Long.MIN_VALUE) {
            admissions = newCamerasPerSecond;
        } else {
            admissions = Math.min(newCamerasPerSecond,
                    admissions + Math.max(0, now - admissionsAt) * newCamerasPerSecond / 1000.0);
        }
        admissionsAt = now;
        if (admissions < 1) {
            return false;
        }
        admissions -= 1;
        return true;
    }

    private void forgetSilent(long now) {
        Iterator<Map.Entry<String, Share>> longestSilentFirst = cameras.entrySet().iterator();
        while (longestSilentFirst.hasNext()) {
            if (now - longestSilentFirst.next().getValue().lastArrival < forgetAfterMillis) {
                return;
            }
            longestSilentFirst.remove();
        }
    }
}
