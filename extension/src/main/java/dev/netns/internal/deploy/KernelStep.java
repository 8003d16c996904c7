package dev.netns.internal.deploy;

import java.util.function.Function;

/**
 * One change to one namespace: the declaration it serves, what it does in words, and its place
 * in declaration order (which decides the failure reported when several fail at once).
 *
 * @param order place in declaration order, across the whole plan
 * @param namespace logical name of the namespace whose thread runs it
 * @param origin the declaration it serves, as the user wrote it
 * @param action what it does, for messages and the plan's text
 * @param work the kernel calls
 */
public record KernelStep(int order, String namespace, String origin, String action, Work work) {

    /** The kernel calls of a step, on its namespace's thread. */
    @FunctionalInterface
    public interface Work {

        /**
         * Applies the step.
         *
         * @param self the namespace the step belongs to
         * @param namespaces every namespace of the topology by logical name (for a cable's far end)
         */
        void apply(NamespaceKernel self, Function<String, NamespaceKernel> namespaces) throws Exception;
    }

    @Override
    public String toString() {
        return namespace + ": " + action;
    }
}
