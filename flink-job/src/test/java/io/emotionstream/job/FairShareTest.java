package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.schema.DeadLetterReason;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The fair share next to the source: frames over a camera's rate are dropped, counted and reported once a second. */
class FairShareTest {
    private static KafkaFrameRecord frame(String camera, long offset, long captureTime) {
        KafkaFrameRecord record = new KafkaFrameRecord();
        record.topic = "camera-frames";
        record.offset = offset;
        record.cameraId = camera;
        record.captureTimeMillis = captureTime;
        record.payloadPrefix = new byte[0];
        return record;
    }

    @Test
    void aFloodingCameraIsCutToItsRateWithADeadLetterASecond() throws Exception {
        try (OneInputStreamOperatorTestHarness<KafkaFrameRecord, KafkaFrameRecord> harness =
                     ProcessFunctionTestHarnesses.forProcessFunction(
                             new FairShare(new FairShareSettings(25, 10, 10, 30_000)))) {
            long offset = 0;
            for (long ms = 0; ms < 8_000; ms += 4) { // 250 frames a second for 8 s, beside one at 25
                harness.setProcessingTime(ms);
                harness.processElement(frame("flood", offset++, ms), ms);
                if (ms % 40 == 0) {
                    harness.processElement(frame("door", offset++, ms), ms);
                }
            }
            List<KafkaFrameRecord> passed = harness.extractOutputValues();
            assertEquals(200, passed.stream().filter(r -> r.cameraId.equals("door")).count());
            long flood = passed.stream().filter(r -> r.cameraId.equals("flood")).count();
            long burst = 25 * CameraGate.BURST_MILLIS / 1000;
            assertTrue(flood >= 200 && flood <= 200 + burst + 1, "25 a second and a burst: " + flood);
            List<Rejection> letters = harness.getSideOutput(FairShare.DROPPED).stream().map(r -> r.getValue()).toList();
            assertEquals(8, letters.size(), "one a second: " + letters);
            assertTrue(letters.stream().allMatch(l -> l.reason == DeadLetterReason.OVER_RATE
                    && l.cameraId.equals("flood")));
            assertTrue(letters.get(1).detail.matches("2[0-9][0-9] frames dropped over their camera's rate of 25 .*"),
                    letters.get(1).detail);
        }
    }
}
