package dev.netns.junit;

import dev.netns.NetNs;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.InvocationInterceptor.Invocation;

/**
 * The thread of one test that runs {@link RunIn} inside a namespace: {@code @BeforeEach}, the test
 * and {@code @AfterEach} run on it one after the other; JUnit's store ends it with the test.
 */
final class RunInThread implements AutoCloseable {

    private final ExecutorService thread;

    RunInThread(NetNs namespace) {
        this.thread = Executors.newSingleThreadExecutor(namespace.threadFactory());
    }

    /** Runs {@code invocation} on the namespace's thread and waits; what it throws is thrown here. */
    <T> T run(Invocation<T> invocation) throws Throwable {
        Future<T> running = thread.submit(() -> {
            try {
                return invocation.proceed();
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable other) {
                throw new ExecutionException(other);
            }
        });
        try {
            return running.get();
        } catch (InterruptedException e) {
            // JUnit's preemptive @Timeout, or a cancelled run: the test's own thread is interrupted too
            running.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof ExecutionException wrapped && wrapped.getCause() != null ? wrapped.getCause() : cause;
        }
    }

    @Override
    public void close() throws InterruptedException {
        thread.shutdownNow();
        thread.awaitTermination(2, TimeUnit.SECONDS);
    }
}
