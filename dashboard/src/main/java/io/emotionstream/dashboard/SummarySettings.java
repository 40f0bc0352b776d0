package io.emotionstream.dashboard;

import io.emotionstream.schema.Topics;
import java.time.Duration;
import java.util.List;

/**
 * What the summary app reads, writes and keeps.
 *
 * @param windows the window summaries to keep per camera
 * @param grace how late an event may come and still count in its window
 */
public record SummarySettings(String eventsTopic, String summariesTopic, String deadLettersTopic,
                              List<WindowSpec> windows, Duration grace) {
    /** A window summary: its name (also the store's suffix), size and advance (advance = size: tumbling). */
    public record WindowSpec(String name, Duration size, Duration advance) {
        public String storeName() {
            return "summaries-" + name;
        }
    }

    public static SummarySettings defaults() {
        return new SummarySettings(Topics.EMOTION_EVENTS.defaultName(), Topics.CAMERA_SUMMARIES.defaultName(),
                Topics.SUMMARY_DEAD_LETTERS.defaultName(),
                List.of(new WindowSpec("1m", Duration.ofMinutes(1), Duration.ofMinutes(1)),
                        new WindowSpec("5m", Duration.ofMinutes(5), Duration.ofMinutes(1))),
                Duration.ofSeconds(30));
    }
}
