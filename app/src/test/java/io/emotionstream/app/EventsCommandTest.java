package io.emotionstream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.LabelProbability;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.SmoothedEmotion;
import io.emotionstream.schema.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `events` on a real broker: JSON lines of committed events, filtered by camera; other records skipped. */
class EventsCommandTest {
    @Test
    void printsTheEventsOfTheCamerasAskedForAsJsonLines() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                     broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            broker.createTopics(List.of(Topics.EMOTION_EVENTS.newTopic()));
            String topic = Topics.EMOTION_EVENTS.defaultName();
            producer.send(new ProducerRecord<>(topic, "door", SingleObject.encode(event("door", 0, "happy"))));
            producer.send(new ProducerRecord<>(topic, "desk", SingleObject.encode(event("desk", 0, "sad"))));
            producer.send(new ProducerRecord<>(topic, "door", "not an event".getBytes()));
            producer.send(new ProducerRecord<>(topic, "door", SingleObject.encode(event("door", 30, "neutral"))));
            producer.flush();

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            assertEquals(0, cli.execute("events", "-b", broker.bootstrapServers(), "--from-beginning",
                    "--camera", "door", "--idle-exit-ms", "3000"), err.toString());

            List<JsonNode> lines = new ArrayList<>();
            for (String line : out.toString().strip().split("\n")) {
                lines.add(new ObjectMapper().readTree(line));
            }
            assertEquals(List.of("happy", "neutral"), lines.stream().map(l -> l.get("label").asText()).toList());
            JsonNode first = lines.get(0);
            assertEquals("door", first.get("camera_id").asText());
            assertEquals("1970-01-01T00:16:40Z", first.get("clip_start_time").asText());
            assertEquals(0.7, first.at("/probabilities/happy").asDouble(), 1e-6);
            assertEquals("happy", first.at("/steady/label").asText());
            assertTrue(err.toString().contains("not an emotion event"), err.toString());
        }
    }

    private static EmotionEvent event(String camera, long first, String label) {
        return EmotionEvent.newBuilder().setCameraId(camera).setClipStartTime(Instant.ofEpochSecond(1000 + first))
                .setClipEndTime(Instant.ofEpochSecond(1001 + first)).setFirstSequence(first)
                .setLastSequence(first + 29).setFramesUsed(30).setLabel(label).setConfidence(0.7f)
                .setProbabilities(List.of(new LabelProbability(label, 0.7f), new LabelProbability("angry", 0.3f)))
                .setModelName("compact-r2plus1d").setModelVersion("3.0.0").setProcessingLatencyMs(900)
                .setConfident(true).setSmoothed(new SmoothedEmotion(label, 0.7f, 1)).build();
    }
}
