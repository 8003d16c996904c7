package dev.netns.internal.namespace;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A few pristine namespaces made ahead of time, so that creating one is off the critical path of
 * {@code start()}: the kernel's work for a new namespace then overlaps the test's own work on the
 * other core. A namespace is taken at most once and never returned: every topology still gets
 * fresh ones. Namespaces that forward IPv4 (routers, {@code host}) are kept apart, since turning
 * forwarding on is itself slow. The size is the system property {@value #SIZE_PROPERTY} (default
 * 4 plain and half as many forwarding ones; 0 turns the pool off).
 */
public final class NamespacePool {

    /** System property holding how many namespaces are kept ready. */
    static final String SIZE_PROPERTY = "netns.pool.size";

    private static final NamespacePool SHARED = new NamespacePool(Integer.getInteger(SIZE_PROPERTY, 4));
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Shelf plain;
    private final Shelf forwarding;
    private final ExecutorService filler = Executors.newSingleThreadExecutor(task -> {
        return HomeNamespace.thread(task, "netns-pool-filler");
    });

    private NamespacePool(int size) {
        this.plain = new Shelf(size, false);
        this.forwarding = new Shelf((size + 1) / 2, true);
    }

    /** The pool of this JVM. */
    public static NamespacePool shared() {
        return SHARED;
    }

    /**
     * A namespace being or already created, renamed {@code realName}: from the pool when one is
     * ready, else made now. Call {@link NamespaceThread#await()} on it.
     */
    public NamespaceThread take(String realName, boolean forwards) {
        NamespaceThread namespace = (forwards ? forwarding : plain).ready.poll();
        if (namespace == null) {
            return NamespaceThread.begin(realName, forwards);
        }
        namespace.rename(realName);
        return namespace;
    }

    /** How many namespaces are ready now. */
    public int readyCount() {
        return plain.ready.size() + forwarding.ready.size();
    }

    /** Waits until no namespace is being made for the pool; for tests that count open descriptors. */
    public void settle() {
        try {
            filler.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes namespaces until {@code size} are ready, in the background. Called once a topology is
     * up, so that the kernel's work for them does not compete with the topology's own setup.
     */
    public void refill() {
        plain.refill();
        forwarding.refill();
    }

    /** The ready namespaces of one kind. */
    private final class Shelf {

        private final int size;
        private final boolean forwards;
        private final ConcurrentLinkedQueue<NamespaceThread> ready = new ConcurrentLinkedQueue<>();
        private final AtomicInteger pending = new AtomicInteger();

        Shelf(int size, boolean forwards) {
            this.size = size;
            this.forwards = forwards;
        }

        public void refill() {
            while (size > 0 && ready.size() + pending.get() < size) {
                pending.incrementAndGet();
                filler.execute(() -> {
                    try {
                        ready.add(NamespaceThread.begin("netns-pool-" + SEQUENCE.incrementAndGet(), forwards).await());
                    } catch (RuntimeException refused) {
                        // no privileges, or the kernel is out of something: take() makes one and reports why
                    } finally {
                        pending.decrementAndGet();
                    }
                });
            }
        }
    }
}
