package io.emotionstream.ingest;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns Ctrl-C (SIGINT/SIGTERM) into an interrupt of the thread that made it, and holds the JVM's exit until that
 * thread has closed this (after its own clean-up), for at most 30 s. Use in try-with-resources, declared before
 * the resources that must be closed first.
 */
public final class StopOnSignal implements AutoCloseable {
    private final CountDownLatch cleanedUp = new CountDownLatch(1);
    private final Thread hook;

    public StopOnSignal() {
        Thread worker = Thread.currentThread();
        hook = new Thread(() -> {
            worker.interrupt();
            try {
                cleanedUp.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stop-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        cleanedUp.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the JVM is shutting down: the hook is running and now lets it go
        }
    }
}
