package io.emotionstream.job;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fair share for each camera, free of Flink ({@link FairShare} runs one per source subtask): which cameras are let
 * in, and how many of their frames.
 * <ul>
 *   <li><b>Frame rate.</b> A camera may send {@code maxFramesPerSecond} frames a second, with a burst of {@value
 *   #BURST_MILLIS} ms worth (what a camera or the job catching up after a stall of a few seconds sends at once);
 *   frames beyond are dropped, not queued. Its credit grows with whichever moved further since its last frame: its
 *   newest capture time (so that frames an agent kept through an outage, or a backlog after a restart, catch up as
 *   fast as the job can take them) or arrival time (so that a clock that stepped back still earns real time). When its
 *   clock steps back by more than {@value #STEP_BACK_MILLIS} ms, its newest capture time starts again from there,
 *   at most once every {@value #STEP_EVERY_MILLIS} ms. A camera that lies about its clock gets at most twice its share
 *   in the long run: its newest capture time cannot run ahead of the broker's time by more than the job allows
 *   ({@code CAPTURE_TIME_AHEAD}).</li>
 *   <li><b>Admission.</b> At most {@code maxCameras} cameras are known at once, and new ones are let in at
 *   {@code newCamerasPerSecond} (a burst of as many). A camera that sent nothing for {@code forgetAfterMillis} is
 *   forgotten. Frames of a camera not let in are refused; its next frame asks again. Cameras refused lately are
 *   remembered with their frames since (at most {@value #MAX_WAITING}, each for {@value #WAITING_QUIET_MILLIS} ms after
 *   its last frame), and the next admission goes to the one that sent the most: a real camera waiting among a flood
 *   of ids that send a frame each is let in at the next admission, not by lottery.</li>
 * </ul>
 */
final class CameraGate {
    /** What becomes of a frame. */
    enum Verdict { PASS, OVER_RATE, CAMERA_REFUSED }

    /** The most credit a camera holds: frames of this many milliseconds pass at once. */
    static final long BURST_MILLIS = 5_000;
    /** A capture time this far behind the camera's newest is a step of its clock. */
    static final long STEP_BACK_MILLIS = 2_000;
    /** Cameras refused lately that are remembered, with their frames since. */
    static final int MAX_WAITING = 1_000;
    /** A waiting camera quiet this long is forgotten. */
    static final long WAITING_QUIET_MILLIS = 2_000;
    /** How often a camera's clock may step back and have its newest capture time start again. */
    static final long STEP_EVERY_MILLIS = 60_000;

    /** One camera's share: its credit, in milliseconds of frames. */
    private static final class Share {
        double creditMillis;
        long newestCapture;
        long lastArrival;
        long lastStepBack = Long.MIN_VALUE / 2;
    }

    /** A camera waiting to be let in: its frames since it was first refused, and when its last came. */
    private static final class Waiting {
        long frames;
        long lastFrame;
    }

    private final double frameCostMillis;
    private final int maxCameras;
    private final double newCamerasPerSecond;
    private final long forgetAfterMillis;
    /** The known cameras, the longest silent first (access order). */
    private final LinkedHashMap<String, Share> cameras = new LinkedHashMap<>(16, 0.75f, true);
    /** Cameras refused lately, the longest quiet first (access order). */
    private final LinkedHashMap<String, Waiting> waiting = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Waiting> eldest) {
            return size() > MAX_WAITING;
        }
    };
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
            if (!admitNew(camera, now)) {
                return Verdict.CAMERA_REFUSED;
            }
            share = new Share();
            share.creditMillis = BURST_MILLIS;
            share.newestCapture = captureTimeMillis;
            share.lastArrival = now;
            cameras.put(camera, share);
        }
        if (captureTimeMillis < share.newestCapture - STEP_BACK_MILLIS && now - share.lastStepBack >= STEP_EVERY_MILLIS) {
            share.newestCapture = captureTimeMillis; // its clock stepped back: its capture time counts from here
            share.lastStepBack = now;
        }
        long arrived = Math.max(0, now - share.lastArrival);
        long captured = Math.max(0, captureTimeMillis - share.newestCapture);
        share.creditMillis = Math.min(BURST_MILLIS, share.creditMillis + Math.max(arrived, captured));
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

    /** Whether a camera not known is let in now: room, an admission, and no waiting camera that sent more. */
    private boolean admitNew(String camera, long now) {
        Iterator<Waiting> longestQuietFirst = waiting.values().iterator();
        while (longestQuietFirst.hasNext() && now - longestQuietFirst.next().lastFrame > WAITING_QUIET_MILLIS) {
            longestQuietFirst.remove();
        }
        Waiting mine = waiting.computeIfAbsent(camera, c -> new Waiting());
        mine.frames++;
        mine.lastFrame = now;
        if (cameras.size() >= maxCameras || !admissionLeft(now)) {
            return false;
        }
        for (Waiting other : waiting.values()) {
            if (other.frames > mine.frames) {
                return false; // the next admission is for a camera that sent more
            }
        }
        waiting.remove(camera);
        admissions -= 1;
        return true;
    }

    private boolean admissionLeft(long now) {
        if (admissionsAt == Long.MIN_VALUE) {
            admissions = newCamerasPerSecond;
        } else {
            admissions = Math.min(newCamerasPerSecond,
                    admissions + Math.max(0, now - admissionsAt) * newCamerasPerSecond / 1000.0);
        }
        admissionsAt = now;
        return admissions >= 1;
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
