package dev.netns.internal.placement;

import dev.netns.NetnsException;
import dev.netns.internal.namespace.NamespaceThread;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * Creates kernel sockets inside one namespace on a thread of its own, so that whichever thread
 * later connects or binds them, they belong to the namespace. Apart from the namespace's main
 * thread, so a long {@code call()} never holds up a socket factory, and the other way round.
 */
final class SocketMaker implements AutoCloseable {

    /** Creates one socket or channel; runs on the maker's thread. */
    @FunctionalInterface
    interface Creation<T> {
        T create() throws IOException;
    }

    private final NamespaceThread namespace;
    private final String name;
    private ExecutorService thread;
    private boolean closed;

    SocketMaker(NamespaceThread namespace, String name) {
        this.namespace = namespace;
        this.name = name;
    }

    /** Runs {@code creation} inside the namespace and returns what it made. */
    <T> T make(String what, Creation<T> creation) throws IOException {
        Future<T> made;
        try {
            made = executor().submit(creation::create);
        } catch (RejectedExecutionException e) {
            throw closed(what);
        }
        try {
            return made.get();
        } catch (InterruptedException e) {
            made.cancel(true);
            Thread.currentThread().interrupt();
            throw new NetnsException("interrupted while creating " + what + " in namespace '" + name + "'", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new NetnsException("create " + what + " in namespace '" + name + "': " + cause, cause);
        }
    }

    private synchronized ExecutorService executor() {
        if (closed || namespace.isClosed()) {
            throw closed("a socket");
        }
        if (thread == null) {
            thread = Executors.newSingleThreadExecutor(new PlacedThreadFactory(namespace, name + "-sockets"));
        }
        return thread;
    }

    private NetnsException closed(String what) {
        return new NetnsException("cannot create " + what + " in namespace '" + name + "': its topology is closed "
                + "(factories and channels of a namespace work only while its topology runs)");
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
