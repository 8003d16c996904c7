package dev.netns.internal.namespace;

import dev.netns.internal.system.Libc;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds the descriptors of closed namespaces while topologies are closed back to back (less than
 * {@value #BACK_TO_BACK_MILLIS} ms apart), and then lets go of many at once: when a topology closes
 * after a longer gap, when {@value #QUIET_MILLIS} ms pass without another namespace closing, or when
 * {@code netns.graveyard.size} (default 128; 0 lets go of each at once) are held.
 *
 * <p>The kernel takes a namespace apart in a background pass that holds the lock every network
 * change needs (RTNL) while it deletes the interfaces; deleting a bridge costs tens of
 * milliseconds. Namespaces let go one by one keep that pass busy all the time, and the next
 * topology's requests wait behind it (builds of 100-300 ms now and then, against a median of a
 * few ms). Let go together, they are taken apart in one pass: the waits become rare, and the
 * total work smaller. A closed namespace held here is already empty of processes and unreachable
 * from anywhere; the JVM's end lets go of it too, whatever the way.
 */
public final class Graveyard {

    /** How many closed namespaces are held at most before all are let go. */
    static final int CAPACITY = Integer.getInteger("netns.graveyard.size", 128);
    /** Quiet time after which the held namespaces are let go anyway. */
    static final long QUIET_MILLIS = 200;
    /**
     * Topologies closed further apart than this are not closed back to back: their namespaces are
     * let go at once, so that the kernel takes them apart while the tests run, not while the next
     * topology is built.
     */
    static final long BACK_TO_BACK_MILLIS = 50;

    private static final List<Integer> HELD = new ArrayList<>();
    private static long lastBurial;
    private static Thread keeper;
    private static long lastTopologyClosed = Long.MIN_VALUE;

    private Graveyard() {
    }

    /** Takes over {@code namespaceFd}, the last hold on a closed namespace, and closes it later. */
    static synchronized void bury(int namespaceFd) {
        if (CAPACITY <= 0) {
            Libc.close(namespaceFd);
            return;
        }
        HELD.add(namespaceFd);
        lastBurial = System.nanoTime();
        if (HELD.size() >= CAPACITY) {
            releaseAll();
        } else if (keeper == null) {
            // born on a closing namespace's own thread: it must not keep that namespace alive
            keeper = HomeNamespace.thread(Graveyard::releaseWhenQuiet, "netns-graveyard");
            keeper.start();
        }
        Graveyard.class.notifyAll();
    }

    /** How long since the last topology closed, at the start of another (the time the tests spent elsewhere). */
    public static synchronized long nanosSinceLastClose() {
        return lastTopologyClosed == Long.MIN_VALUE ? Long.MAX_VALUE : System.nanoTime() - lastTopologyClosed;
    }

    /**
     * Called when a topology has closed (all its namespaces buried). If the tests spent a while
     * outside topology builds around it (before it started, plus while it ran), they will most
     * likely do so again: everything held is let go now, and the kernel takes it apart meanwhile.
     * Back to back, it stays held.
     *
     * @param idleBefore {@link #nanosSinceLastClose()} when the topology started
     * @param lifetime nanoseconds from the end of its build to its close
     */
    public static synchronized void topologyClosed(long idleBefore, long lifetime) {
        lastTopologyClosed = System.nanoTime();
        if (idleBefore >= BACK_TO_BACK_MILLIS * 1_000_000 - lifetime) {
            releaseAll();
        }
    }

    /** Lets go of every held namespace now (tests that count the JVM's descriptors call it first). */
    public static synchronized void releaseAll() {
        HELD.forEach(Libc::close);
        HELD.clear();
    }

    /** How many closed namespaces are held. */
    public static synchronized int held() {
        return HELD.size();
    }

    private static void releaseWhenQuiet() {
        synchronized (Graveyard.class) {
            try {
                while (true) {
                    if (HELD.isEmpty()) {
                        Graveyard.class.wait();
                        continue;
                    }
                    long quietFor = (System.nanoTime() - lastBurial) / 1_000_000;
                    if (quietFor >= QUIET_MILLIS) {
                        releaseAll();
                    } else {
                        Graveyard.class.wait(QUIET_MILLIS - quietFor);
                    }
                }
            } catch (InterruptedException e) {
                releaseAll();
            }
        }
    }
}
