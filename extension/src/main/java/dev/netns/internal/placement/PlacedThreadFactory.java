package dev.netns.internal.placement;

import dev.netns.internal.namespace.NamespaceThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Platform threads that live in one namespace from their first instruction: the new thread calls
 * {@code setns} before it runs anything else, so it works whoever starts it ({@code Thread.start()}
 * on Java 17, the way {@code ThreadPoolExecutor} starts workers on Java 21 and later). Every socket
 * they create and every thread they start belongs to the namespace.
 *
 * <p>Threads are daemons named {@code <namespace>-thread-<n>}. A thread started after its topology
 * closed ends at once without running its task, and says why on standard error.
 */
final class PlacedThreadFactory implements ThreadFactory {

    private final NamespaceThread namespace;
    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();

    PlacedThreadFactory(NamespaceThread namespace, String prefix) {
        this.namespace = namespace;
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(() -> {
            namespace.enterForGood();
            task.run();
        }, prefix + "-" + count.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public String toString() {
        return "ThreadFactory[threads in namespace " + prefix + "]";
    }
}
