package io.emotionstream.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LoginBackOffTest {
    @Test
    void failuresBeyondTheFreeOnesBlockTwiceAsLongEachTimeUpToAMinute() {
        LoginBackOff backOff = new LoginBackOff();
        long now = 1_000_000;
        for (int i = 0; i < LoginBackOff.FREE_FAILURES; i++) {
            backOff.failed("10.0.0.1", "alice", now);
        }
        assertEquals(0, backOff.waitMillis("10.0.0.1", "alice", now), "the first five are free");
        backOff.failed("10.0.0.1", "alice", now);
        assertEquals(1_000, backOff.waitMillis("10.0.0.1", "alice", now));
        backOff.failed("10.0.0.1", "alice", now);
        assertEquals(2_000, backOff.waitMillis("10.0.0.1", "alice", now));
        for (int i = 0; i < 20; i++) {
            backOff.failed("10.0.0.1", "alice", now);
        }
        assertEquals(LoginBackOff.MAX_BLOCK_MILLIS, backOff.waitMillis("10.0.0.1", "alice", now));
        assertEquals(LoginBackOff.MAX_BLOCK_MILLIS, backOff.waitMillis("10.0.0.9", "alice", now), "her name waits anywhere");
        assertEquals(LoginBackOff.MAX_BLOCK_MILLIS, backOff.waitMillis("10.0.0.1", "bob", now), "that address waits");
        assertEquals(0, backOff.waitMillis("10.0.0.9", "bob", now));
        assertEquals(0, backOff.waitMillis("10.0.0.1", "alice", now + LoginBackOff.MAX_BLOCK_MILLIS));
        backOff.succeeded("10.0.0.1", "alice");
        backOff.failed("10.0.0.1", "alice", now);
        assertEquals(0, backOff.waitMillis("10.0.0.1", "alice", now), "a login starts both afresh");
    }
}
