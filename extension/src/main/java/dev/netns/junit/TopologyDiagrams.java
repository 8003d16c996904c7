package dev.netns.junit;

import dev.netns.NetnsException;

/**
 * Draws the topology a test class declares with annotations, without creating it: for
 * documentation, code review, or a quick look at a test's network.
 *
 * <pre>{@code
 * String mermaid = TopologyDiagrams.of(Seed001BridgeNatTest.class);   // "graph LR ..."
 * }</pre>
 */
public final class TopologyDiagrams {

    private TopologyDiagrams() {
    }

    /**
     * The Mermaid {@code graph} of the class-level declarations of {@code testClass} (and its
     * enclosing classes), and the namespaces its fields inject.
     *
     * @throws NetnsException when the declarations are invalid
     */
    public static String of(Class<?> testClass) {
        return new TopologyDeclarations().addClass(testClass).builder().diagram();
    }
}
