package io.emotionstream.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.SingleObjectSerde;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's live feed: reads committed emotion events as they arrive, keeps each camera's events of the last
 * minutes for the page's timelines, and pushes every new event to the pages connected by server-sent events.
 * Records that are no events are skipped here (the summary topology dead-letters them). "The last minutes" are by
 * each event's record time (the broker's time of its clip's last frame), not by the camera's clock.
 */
final class LiveEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveEvents.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final Duration keep;
    private final Map<String, Deque<Timed>> recent = new TreeMap<>();
    private final List<EventStream> subscribers = new CopyOnWriteArrayList<>();
    private final SingleObjectSerde<EmotionEvent> serde = new SingleObjectSerde<>(EmotionEvent.class);
    private final Thread reader;
    private volatile boolean running = true;

    LiveEvents(String topic, Map<String, String> kafka, Duration keep) {
        Map<String, Object> config = new LinkedHashMap<>(kafka);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.keep = keep;
        this.reader = new Thread(this::read, "dashboard-live-events");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    private void read() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            long since = Instant.now().minus(keep).toEpochMilli();
            Map<TopicPartition, Long> query = new LinkedHashMap<>();
            partitions.forEach(p -> query.put(p, since));
            Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(query);
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp at = start.get(p);
                if (at == null) {
                    consumer.seekToEnd(List.of(p));
                } else {
                    consumer.seek(p, at.offset());
                }
            }
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    EmotionEvent event;
                    try {
                        event = serde.decode(record.value());
                    } catch (Exception notAnEvent) {
                        continue;
                    }
                    Timed timed = new Timed(record.timestamp(), event);
                    remember(timed);
                    publish(timed);
                }
            }
        } catch (WakeupException closing) {
            // close() woke the consumer up
        } catch (RuntimeException e) {
            LOG.error("live event feed stopped", e);
        } finally {
            consumer.close();
        }
    }

    /** An event and its record's time. */
    private record Timed(long recordTime, EmotionEvent event) {
        /** The event as the page reads it, with {@code time}: its record time, the page's time axis. */
        Map<String, Object> json() {
            Map<String, Object> json = SummaryQueries.toJson(event);
            json.put("time", Instant.ofEpochMilli(recordTime).toString());
            return json;
        }
    }

    private synchronized void remember(Timed timed) {
        recent.computeIfAbsent(timed.event().getCameraId(), k -> new ArrayDeque<>()).addLast(timed);
        long oldest = Instant.now().minus(keep).toEpochMilli();
        for (Deque<Timed> events : recent.values()) {
            while (!events.isEmpty() && events.peekFirst().recordTime() < oldest) {
                events.removeFirst();
            }
        }
        recent.values().removeIf(Deque::isEmpty); // a camera not heard for the kept minutes is forgotten
    }

    /** Each camera's events of the last minutes, oldest first. */
    synchronized Map<String, List<Map<String, Object>>> recent(Duration span) {
        long oldest = Instant.now().minus(span).toEpochMilli();
        Map<String, List<Map<String, Object>>> out = new TreeMap<>();
        recent.forEach((camera, events) -> {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Timed timed : events) {
                if (timed.recordTime() >= oldest) {
                    list.add(timed.json());
                }
            }
            out.put(camera, list);
        });
        return out;
    }

    /** Sends every later event to this (server-sent events) stream until it breaks or falls behind. */
    void subscribe(EventStream stream) {
        if (!running) {
            stream.close();
            return;
        }
        subscribers.add(stream); // before the stream opens in the page, which then asks for the recent events
        if (!stream.send(": connected\n\n".getBytes(StandardCharsets.UTF_8))) {
            subscribers.remove(stream);
        }
    }

    private void publish(Timed timed) {
        try {
            sendAll(("event: emotion\ndata: " + JSON.writeValueAsString(timed.json()) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warn("cannot write event of camera {} as JSON: {}", timed.event().getCameraId(), e.toString());
        }
    }

    /**
     * Each camera heard in the last minutes, with how far behind live its newest event was when scored (its clip's
     * end to its score, seconds): a camera the job is catching up on shows a lag of more than a second.
     */
    synchronized Map<String, Double> lagSeconds() {
        long oldest = Instant.now().minus(keep).toEpochMilli();
        Map<String, Double> lag = new TreeMap<>();
        recent.forEach((camera, events) -> {
            Timed newest = events.peekLast();
            if (newest != null && newest.recordTime() >= oldest) {
                lag.put(camera, newest.event().getProcessingLatencyMs() / 1000.0);
            }
        });
        return lag;
    }

    /** A comment line to every subscriber, so that dead connections are noticed and proxies keep them open. */
    void heartbeat() {
        sendAll(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
    }

    private void sendAll(byte[] message) {
        for (EventStream stream : subscribers) {
            if (!stream.send(message)) {
                subscribers.remove(stream);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        subscribers.forEach(EventStream::close);
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
