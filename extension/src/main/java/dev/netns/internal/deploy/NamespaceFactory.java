package dev.netns.internal.deploy;

/** Makes the namespaces of a topology: the one seam through which a deployment gets them. */
@FunctionalInterface
public interface NamespaceFactory<K extends NamespaceKernel> {

    /**
     * Starts making a namespace, or hands over a ready one; {@link NamespaceKernel#awaitCreated()}
     * waits until it exists.
     *
     * @param realName the unique name it gets on this machine
     * @param forwarding whether it forwards packets between its interfaces (a router)
     */
    K create(String realName, boolean forwarding);
}
