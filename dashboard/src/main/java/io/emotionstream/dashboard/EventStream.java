package io.emotionstream.dashboard;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Queue;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One page's server-sent event stream: messages are queued and written one after another without blocking the
 * sender; a page that falls {@link #MAX_PENDING} messages behind (or whose connection broke) is dropped, so one slow
 * reader never holds up the others.
 */
final class EventStream {
    static final int MAX_PENDING = 256;

    private final Response response;
    private final Callback done;
    private final Queue<ByteBuffer> pending = new ArrayDeque<>();
    private boolean writing;
    private boolean closed;
    private boolean finished;

    EventStream(Response response, Callback done) {
        this.response = response;
        this.done = done;
    }

    /** Queues a message; false when the stream is closed (or now closed for being too far behind). */
    synchronized boolean send(byte[] message) {
        if (closed) {
            return false;
        }
        if (pending.size() >= MAX_PENDING) {
            fail(new IllegalStateException("the page reads too slowly"));
            return false;
        }
        pending.add(ByteBuffer.wrap(message));
        if (!writing) {
            writeNext();
        }
        return true;
    }

    /** Ends the stream (the app is closing), once a write under way has finished. */
    synchronized void close() {
        closed = true;
        pending.clear();
        if (!writing) {
            finish(null);
        }
    }

    private synchronized void writeNext() {
        ByteBuffer next = closed ? null : pending.poll();
        writing = next != null;
        if (next != null) {
            response.write(false, next, Callback.from(this::writeNext, this::fail));
        } else if (closed) {
            finish(null);
        }
    }

    private synchronized void fail(Throwable reason) {
        closed = true;
        pending.clear();
        writing = false;
        finish(reason);
    }

    private void finish(Throwable failure) {
        if (finished) {
            return;
        }
        finished = true;
        if (failure == null) {
            done.succeeded();
        } else {
            done.failed(failure);
        }
    }
}
