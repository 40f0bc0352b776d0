package io.emotionstream.evaluation;

import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that hands what reaches it to this JVM: for jobs on a local environment in this process only (the video
 * evaluation). Each instance has its own queue, which {@link #received()} reads while or after the job runs; close
 * the sink to let go of the queue.
 */
public final class InMemorySink<T> implements Sink<T>, AutoCloseable {
    private static final Map<String, Queue<Object>> QUEUES = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    public InMemorySink() {
        QUEUES.put(id, new ConcurrentLinkedQueue<>());
    }

    /** Everything the sink has received so far, in arrival order per writer. */
    @SuppressWarnings("unchecked")
    public Queue<T> received() {
        return (Queue<T>) QUEUES.get(id);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        Queue<Object> queue = QUEUES.get(id);
        if (queue == null) {
            throw new IllegalStateException("an in-memory sink runs only in the JVM that made it");
        }
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context context) {
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    @Override
    public void close() {
        QUEUES.remove(id);
    }
}
