package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.job.CameraGate.Verdict;
import org.junit.jupiter.api.Test;

/** Each camera's fair share on plain objects: frame rates honest and not, backlogs, floods of new camera ids. */
class CameraGateTest {
    private final CameraGate gate = new CameraGate(60, 100, 10, 30_000);

    /** Frames passed of a camera sending {@code fps} for {@code seconds}, stamped by its clock plus {@code skew}. */
    private int passed(String camera, double fps, int seconds, long start, long skew) {
        int passed = 0;
        for (int i = 0; i < fps * seconds; i++) {
            long now = start + Math.round(i * 1000 / fps);
            passed += gate.admit(camera, now + skew, now) == Verdict.PASS ? 1 : 0;
        }
        return passed;
    }

    @Test
    void aCameraAtItsRateLosesNothingAndAFloodIsCutToIt() {
        assertEquals(25 * 20, passed("door", 25, 20, 0, 0));
        int flood = passed("hall", 230, 20, 0, 0);
        long burst = 60 * CameraGate.BURST_MILLIS / 1000;
        assertTrue(flood >= 60 * 20 && flood <= 60 * 20 + burst + 1, "60 frames a second and a burst: " + flood);
    }

    @Test
    void aCameraCatchingUpAfterAStallLosesNothing() {
        assertEquals(25 * 10, passed("door", 25, 10, 0, 0));
        // the camera (or the job) stalled 4 s: the frames of those 4 s come at once, captured and arriving together
        for (int i = 0; i < 100; i++) {
            assertEquals(Verdict.PASS, gate.admit("door", 14_000 + i, 14_000 + i), "frame " + i);
        }
        assertEquals(25 * 10, passed("door", 25, 10, 14_100, 0));
    }

    @Test
    void aClockThatSteppedBackKeepsItsRateThroughBursts() {
        assertEquals(25 * 5, passed("stepped", 25, 5, 0, 0));
        // an hour back; its frames then reach the job three seconds' worth at a time (a busy job polls in batches)
        for (int burst = 0; burst < 10; burst++) {
            long arrival = 8_000 + burst * 3_000L;
            for (int i = 0; i < 75; i++) {
                long captured = 5_000 - 3_600_000 + (burst * 75 + i) * 40L;
                assertEquals(Verdict.PASS, gate.admit("stepped", captured, arrival + i), "burst " + burst + ", " + i);
            }
        }
    }

    @Test
    void aBacklogCatchesUpAtOnce() {
        gate.admit("door", 0, 0);
        for (int i = 1; i <= 2_250; i++) { // 90 s of frames kept through an outage, sent in half a second
            assertEquals(Verdict.PASS, gate.admit("door", i * 40L, 100_000 + i / 5), "frame " + i);
        }
    }

    @Test
    void aClockThatStepsBackStillEarnsRealTime() {
        assertEquals(25 * 5, passed("door", 25, 5, 0, 0));
        assertEquals(25 * 20, passed("door", 25, 20, 5_000, -3_600_000));
    }

    @Test
    void aCameraThatLiesAboutItsClockGetsAtMostTwiceItsShare() {
        int passed = 0;
        for (int i = 0; i < 230 * 20; i++) { // 230 frames a second, the clock swinging 10 s back and forth
            long now = Math.round(i * 1000 / 230.0);
            passed += gate.admit("liar", i % 2 == 0 ? now + 9_999 : now - 10_000, now) == Verdict.PASS ? 1 : 0;
        }
        long bursts = 2 * 60 * CameraGate.BURST_MILLIS / 1000; // its first, and one clock step's
        assertTrue(passed <= 2 * 60 * 20 + 60 * 10 + bursts, "frames passed in 20 s: " + passed);
    }

    @Test
    void aFloodOfNewCameraIdsIsLetInAtTheAdmissionRate() {
        assertEquals(Verdict.PASS, gate.admit("door", 0, 0));
        int admitted = 0;
        for (int i = 0; i < 5_000; i++) { // 5,000 new ids in 15 s, one frame each, beside a camera at 25 fps
            long now = i * 3L;
            admitted += gate.admit("flood-" + i, now, now) == Verdict.PASS ? 1 : 0;
            if (i % 13 == 0) {
                assertEquals(Verdict.PASS, gate.admit("door", now, now), "a known camera is never refused");
            }
        }
        assertTrue(admitted <= 9 + 15 * 10 + 1, "admitted: " + admitted);
        assertTrue(gate.cameras() <= 100);
    }

    @Test
    void aRealCameraAmongAFloodOfNewIdsIsLetInAtTheNextAdmission() {
        int refused = 0;
        boolean in = false;
        for (int ms = 0; ms < 5_000 && !in; ms++) { // a new id every 3 ms; a new real camera at 25 fps from 1 s on
            if (ms % 3 == 0) {
                gate.admit("flood-" + ms, ms, ms);
            }
            if (ms >= 1_000 && ms % 40 == 0) {
                in = gate.admit("door", ms, ms) == Verdict.PASS;
                refused += in ? 0 : 1;
            }
        }
        assertTrue(in && refused <= 3, "refused " + refused + " frames before it was let in (an admission every 100 ms)");
        // a camera that waited and went away does not hold the next admission
        CameraGate slow = new CameraGate(60, 100, 1, 30_000);
        assertEquals(Verdict.PASS, slow.admit("first", 0, 0));
        for (int i = 1; i <= 50; i++) {
            assertEquals(Verdict.CAMERA_REFUSED, slow.admit("gone", i, i), "no admission left");
        }
        assertEquals(Verdict.PASS, slow.admit("new", 3_000, 3_000), "the one that sent more went quiet 3 s ago");
    }

    @Test
    void camerasOverTheCapWaitUntilOneIsForgotten() {
        CameraGate small = new CameraGate(60, 2, 10, 5_000);
        assertEquals(Verdict.PASS, small.admit("a", 0, 0));
        assertEquals(Verdict.PASS, small.admit("b", 0, 0));
        assertEquals(Verdict.CAMERA_REFUSED, small.admit("c", 1_000, 1_000));
        assertEquals(Verdict.PASS, small.admit("b", 4_000, 4_000));
        assertEquals(Verdict.PASS, small.admit("c", 5_500, 5_500), "a was silent 5 s: forgotten");
        assertEquals(Verdict.CAMERA_REFUSED, small.admit("a", 5_600, 5_600));
        assertThrows(IllegalArgumentException.class, () -> new CameraGate(0, 1, 1, 1));
    }
}
