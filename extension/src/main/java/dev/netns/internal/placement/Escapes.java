package dev.netns.internal.placement;

import java.util.List;
import java.util.stream.Collectors;

/** The words that explain escapes to the user. */
public final class Escapes {

    /** How to put code inside a namespace, for every message about code that is not. */
    static final String HOW_TO_PUT_INSIDE = "Put the code inside: @RunIn(\"ns\") on the test, ns.call(() -> ...), "
            + "ns.threadFactory() for its thread pools and event loops, ns.socketFactory() / ns.openSocketChannel() for "
            + "its sockets, ns.java(Main.class) for a child JVM (see docs/java-in-topology.md).";

    private Escapes() {
    }

    /**
     * The failure message for {@code escapes} charged to a topology.
     */
    public static String explain(List<Escape> escapes) {
        String list = escapes.stream().map(escape -> "  " + escape.protocol() + " to " + escape.target()
                + " (namespace '" + escape.namespace() + "') from JVM code " + escape.origin())
                .collect(Collectors.joining("\n"));
        return "JVM code outside the topology tried to reach it; the attempt was refused (a TCP reset), so it never "
                + "used the machine's network, but the code under test did not run where the test meant it to:\n" + list
                + "\nA thread lives in the network namespace of the thread that started it, and a socket in the "
                + "namespace of the thread that created it: a client built on the test's own thread, or a pool "
                + "thread born outside, is outside every topology. " + HOW_TO_PUT_INSIDE;
    }
}
