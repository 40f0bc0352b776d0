package io.emotionstream.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.schema.CameraSummary;
import io.emotionstream.schema.DeadLetter;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.SingleObjectSerde;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The summary topology in Kafka Streams' TopologyTestDriver: windows, late events, cameras apart, bad records. */
class SummaryTopologyTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private final SingleObjectSerde<EmotionEvent> events = new SingleObjectSerde<>(EmotionEvent.class);
    private final SingleObjectSerde<CameraSummary> summaries = new SingleObjectSerde<>(CameraSummary.class);
    private final SingleObjectSerde<DeadLetter> deadLetters = new SingleObjectSerde<>(DeadLetter.class);
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> input;
    private TestOutputTopic<String, CameraSummary> output;
    private TestOutputTopic<String, DeadLetter> dead;
    private final List<KeyValue<String, CameraSummary>> written = new ArrayList<>();

    @BeforeEach
    void start() {
        SummarySettings settings = SummarySettings.defaults();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "summary-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // every update goes out
        driver = new TopologyTestDriver(SummaryTopology.build(settings), props);
        input = driver.createInputTopic(settings.eventsTopic(), new StringSerializer(), new ByteArraySerializer());
        output = driver.createOutputTopic(settings.summariesTopic(), new StringDeserializer(), summaries.deserializer());
        dead = driver.createOutputTopic(settings.deadLettersTopic(), new StringDeserializer(), deadLetters.deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void summarisesEachCameraPerMinute() {
        send("door", "happy", 0.8f, 10, 28);
        send("door", "happy", 0.6f, 20, 30);
        send("door", "sad", 0.7f, 30, 24);
        send("lobby", "neutral", 0.9f, 15, 30);
        CameraSummary door = latest("door", "1m");
        assertEquals(3, door.getEvents());
        assertEquals(T0, door.getWindowStart());
        assertEquals(T0.plusSeconds(60), door.getWindowEnd());
        assertEquals(TestEvents.LABELS, door.getLabels());
        assertEquals(List.of(0L, 2L, 1L, 0L, 0L), door.getEventsPerLabel());
        assertEquals("happy", door.getDominantLabel());
        // happy's probability: 0.8 + 0.6 + (1 - 0.7) / 4 from the sad event
        assertEquals(0.8 + 0.6 + 0.075, door.getProbabilitySums().get(1), 1e-6);
        assertEquals(90, door.getFrames());
        assertEquals(82, door.getFramesWithFace());
        assertEquals(T0.plusSeconds(30), door.getLastEvent().getClipEndTime());
        CameraSummary lobby = latest("lobby", "1m");
        assertEquals(1, lobby.getEvents());
        assertEquals("neutral", lobby.getDominantLabel());
    }

    @Test
    void theFramesOfASummaryAreThoseTheFaceStageLookedAt() {
        for (int second : List.of(10, 20)) {
            EmotionEvent e = EmotionEvent.newBuilder(TestEvents.event("door", "happy", 0.8f, T0.plusSeconds(second), 3))
                    .setFramesLookedAt(4).build(); // the default model reads 4 frames of a clip; 3 had the face
            input.pipeInput("door", events.encode(e), e.getClipEndTime());
        }
        CameraSummary door = latest("door", "1m");
        assertEquals(8, door.getFrames(), "the frames looked at, not the clips' 60");
        assertEquals(6, door.getFramesWithFace());
    }

    @Test
    void theNextMinuteStartsAFreshTumblingWindowWhileTheFiveMinuteWindowsKeepCounting() {
        send("door", "happy", 0.8f, 10, 30);
        send("door", "angry", 0.8f, 70, 30);
        CameraSummary minute = latest("door", "1m");
        assertEquals(T0.plusSeconds(60), minute.getWindowStart());
        assertEquals(1, minute.getEvents());
        assertEquals("angry", minute.getDominantLabel());
        // five-minute windows advancing by a minute: the one from T0 holds both events
        WindowStore<String, CameraSummary> store = driver.getWindowStore("summaries-5m");
        try (WindowStoreIterator<CameraSummary> it = store.fetch("door", T0, T0)) {
            assertTrue(it.hasNext());
            assertEquals(2, it.next().value.getEvents());
        }
        // and the event at T0+10s lies in 5 of them (starting T0-4m .. T0)
        int windows = 0;
        try (WindowStoreIterator<CameraSummary> it = store.fetch("door", T0.minusSeconds(240), T0.plusSeconds(60))) {
            while (it.hasNext()) {
                it.next();
                windows++;
            }
        }
        assertEquals(6, windows, "5 windows with the first event, plus the one that opens at T0+1m");
    }

    @Test
    void lateEventsCountWithinTheGraceAndAreDroppedAfterIt() {
        send("door", "happy", 0.8f, 10, 30);
        send("door", "happy", 0.8f, 75, 30);   // stream time T0+75s
        send("door", "sad", 0.8f, 50, 30);     // 25 s late: within 30 s of grace after the T0 window closed
        assertEquals(2, windowOf("door", "summaries-1m", T0).getEvents());
        send("door", "happy", 0.8f, 120, 30);  // stream time T0+120s
        send("door", "sad", 0.8f, 40, 30);     // the T0 window closed at T0+60s + 30 s: too late
        assertEquals(2, windowOf("door", "summaries-1m", T0).getEvents());
    }

    @Test
    void unreadableEventsGoToTheDeadLetterTopicAndTheAppGoesOn() {
        input.pipeInput("door", "not an event".getBytes(), T0);
        EmotionEvent wrongKey = TestEvents.event("lobby", "happy", 0.9f, T0.plusSeconds(5), 30);
        input.pipeInput("door", events.encode(wrongKey), T0.plusSeconds(5));
        send("door", "happy", 0.8f, 10, 30);
        List<DeadLetter> letters = dead.readValuesToList();
        assertEquals(List.of("NOT_AVRO", "INVALID_EVENT"), letters.stream().map(DeadLetter::getReason).toList());
        assertEquals(0L, letters.get(0).getSourceOffset());
        assertEquals(1L, letters.get(1).getSourceOffset());
        assertEquals("door", letters.get(0).getCameraId());
        assertEquals(1, latest("door", "1m").getEvents());
    }

    @Test
    void countsUncertainEventsAndReadsEventsWrittenWithTheFirstSchemaVersion() throws Exception {
        // an event as version 1 of the job wrote it: no confident, no smoothed field
        byte[] value = encodeAs(1, TestEvents.event("door", "happy", 0.8f, T0.plusSeconds(10), 30));
        input.pipeInput("door", value, T0.plusSeconds(10));
        EmotionEvent unsure = TestEvents.uncertain(TestEvents.event("door", "sad", 0.3f, T0.plusSeconds(20), 30));
        input.pipeInput("door", events.encode(unsure), unsure.getClipEndTime());

        assertTrue(dead.isEmpty(), "both versions are read");
        CameraSummary door = latest("door", "1m");
        assertEquals(2, door.getEvents());
        assertEquals(1, door.getUncertainEvents());
        assertEquals(List.of(0L, 1L, 1L, 0L, 0L), door.getEventsPerLabel());
        EmotionEvent first = events.decode(value);
        assertTrue(first.getConfident(), "an event of version 1 reads as confident");
        assertNull(first.getSmoothed());
    }

    @Test
    void eachFacesEventsCountAndTheSummaryTellsHowManyFacesTheCameraSaw() throws Exception {
        EmotionEvent one = TestEvents.face(TestEvents.event("hall", "happy", 0.8f, T0.plusSeconds(10), 30), 1, 2);
        EmotionEvent two = TestEvents.face(TestEvents.event("hall", "sad", 0.7f, T0.plusSeconds(11), 30), 2, 2);
        // written before faces were tracked (schema version 2): face 0, one face in view
        byte[] old = encodeAs(2, TestEvents.event("hall", "neutral", 0.9f, T0.plusSeconds(20), 30));
        input.pipeInput("hall", events.encode(one), one.getClipEndTime());
        input.pipeInput("hall", events.encode(two), two.getClipEndTime());
        input.pipeInput("hall", old, T0.plusSeconds(20));

        assertTrue(dead.isEmpty(), "every version is read");
        CameraSummary hall = latest("hall", "1m");
        assertEquals(3, hall.getEvents());
        assertEquals(List.of(1L, 1L, 1L, 0L, 0L), hall.getEventsPerLabel());
        assertEquals(2, hall.getFacesInView(), "the most faces seen at once");
        EmotionEvent read = events.decode(old);
        assertEquals(0, read.getFaceTrack());
        assertEquals(1, read.getFacesInView());
        assertEquals(2, SummaryQueries.toJson(hall, false).get("faces_in_view"));
        assertEquals(2, SummaryQueries.toJson(two).get("face_track"));
    }

    /** The event as the given earlier version of its schema writes it (single-object encoding). */
    private static byte[] encodeAs(int version, EmotionEvent event) throws Exception {
        Schema schema;
        try (InputStream in = SingleObject.class.getResourceAsStream("history/EmotionEvent-" + version + ".avsc")) {
            schema = new Schema.Parser().parse(in);
        }
        GenericRecord old = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            old.put(field.name(), GenericData.get().deepCopy(field.schema(), toGeneric(event, field.name())));
        }
        ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(old);
        byte[] value = new byte[bytes.remaining()];
        bytes.get(value);
        return value;
    }

    /** A field of a generated record in the generic form an earlier schema takes (timestamps as epoch millis). */
    private static Object toGeneric(EmotionEvent event, String field) {
        Object value = event.get(field);
        return value instanceof Instant instant ? instant.toEpochMilli() : value;
    }

    @Test
    void anUnknownCameraHasNoSummary() {
        send("door", "happy", 0.8f, 10, 30);
        WindowStore<String, CameraSummary> store = driver.getWindowStore("summaries-1m");
        try (WindowStoreIterator<CameraSummary> it = store.fetch("nobody", T0.minusSeconds(600), T0.plusSeconds(600))) {
            assertTrue(!it.hasNext());
        }
        assertNull(windowOf("door", "summaries-1m", T0.plusSeconds(600)));
    }

    private CameraSummary windowOf(String camera, String store, Instant start) {
        WindowStore<String, CameraSummary> windows = driver.getWindowStore(store);
        return windows.fetch(camera, start.toEpochMilli());
    }

    /** The last summary written for a camera and window (reading the topic keeps what was read so far). */
    private CameraSummary latest(String camera, String window) {
        written.addAll(output.readKeyValuesToList());
        CameraSummary found = null;
        for (KeyValue<String, CameraSummary> kv : written) {
            if (kv.key.equals(camera) && kv.value.getWindow().equals(window)) {
                found = kv.value;
            }
        }
        return found;
    }

    private void send(String camera, String label, float confidence, int endSecond, int framesUsed) {
        EmotionEvent e = TestEvents.event(camera, label, confidence, T0.plusSeconds(endSecond), framesUsed);
        input.pipeInput(camera, events.encode(e), e.getClipEndTime());
    }

}
