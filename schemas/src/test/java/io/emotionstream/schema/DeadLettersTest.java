package io.emotionstream.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** One way to make a dead letter: reason codes, bounded payload prefix, unknown positions. */
class DeadLettersTest {
    @Test
    void keepsABoundedPrefixAndTheReasonCode() throws Exception {
        byte[] value = new byte[1000];
        Arrays.fill(value, (byte) 7);
        DeadLetter letter = DeadLetters.of(DeadLetterReason.UNDECODABLE_IMAGE, "bad JPEG", "camera-frames", 3, 42L,
                "cam-1", value.length, value, 1_700_000_000_000L);
        assertEquals("UNDECODABLE_IMAGE", letter.getReason());
        assertEquals(DeadLetters.PAYLOAD_PREFIX_BYTES, letter.getPayloadPrefix().remaining());
        assertEquals(1000, letter.getPayloadSize());
        assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), letter.getFailedAt());
        DeadLetter decoded = SingleObject.decode(DeadLetter.class, SingleObject.encode(letter));
        assertEquals(letter, decoded);
    }

    @Test
    void anUnknownSourceIsEmptyNotNull() {
        DeadLetter letter = DeadLetters.of(DeadLetterReason.NOT_AVRO, "not Avro", null, -1, -1L, null, 0, null, 0L);
        assertEquals("", letter.getSourceTopic());
        assertArrayEquals(new byte[0], DeadLetters.prefix(null));
        assertEquals(0, letter.getPayloadPrefix().remaining());
    }
}
