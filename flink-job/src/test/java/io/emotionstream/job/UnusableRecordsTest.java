package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.schema.DeadLetterReason;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Records the deserializer found unusable leave next to the source, as dead letters with its reason. */
class UnusableRecordsTest {
    private static KafkaFrameRecord record(long offset, DeadLetterReason problem) {
        KafkaFrameRecord record = new KafkaFrameRecord();
        record.topic = "camera-frames";
        record.partition = 2;
        record.offset = offset;
        record.cameraId = "door";
        record.problem = problem;
        record.problemDetail = problem == null ? null : "why: " + problem;
        record.payloadPrefix = new byte[] {1, 2};
        return record;
    }

    @Test
    void usableFramesGoOnAndTheOthersBecomeDeadLetters() throws Exception {
        try (OneInputStreamOperatorTestHarness<KafkaFrameRecord, KafkaFrameRecord> harness =
                     ProcessFunctionTestHarnesses.forProcessFunction(new UnusableRecords())) {
            harness.processElement(record(1, null), 0);
            harness.processElement(record(2, DeadLetterReason.NOT_AVRO), 0);
            harness.processElement(record(3, DeadLetterReason.CAPTURE_TIME_AHEAD), 0);
            harness.processElement(record(4, null), 0);
            assertEquals(List.of(1L, 4L), harness.extractOutputValues().stream().map(r -> r.offset).toList());
            List<Rejection> letters = harness.getSideOutput(UnusableRecords.UNUSABLE).stream()
                    .map(r -> r.getValue()).toList();
            assertEquals(List.of(DeadLetterReason.NOT_AVRO, DeadLetterReason.CAPTURE_TIME_AHEAD),
                    letters.stream().map(r -> r.reason).toList());
            assertEquals("why: NOT_AVRO", letters.get(0).detail);
            assertEquals("camera-frames", letters.get(0).sourceTopic);
            assertEquals(2, letters.get(0).sourcePartition);
            assertEquals(2L, letters.get(0).sourceOffset);
        }
    }
}
