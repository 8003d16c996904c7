package dev.netns.internal.topology;

import dev.netns.Impairment;
import dev.netns.ImpairmentStatistics;
import dev.netns.Link;
import dev.netns.LinkInfo;
import dev.netns.NetnsException;
import dev.netns.internal.system.KernelException;

/** The {@link Link} of one interface of a running namespace. */
final class LinkHandle implements Link {

    private final NamespaceHandle namespace;
    private final String name;

    LinkHandle(NamespaceHandle namespace, String name) {
        this.namespace = namespace;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String namespace() {
        return namespace.name();
    }

    @Override
    public LinkInfo info() {
        return namespace.links().stream().filter(link -> link.name().equals(name)).findFirst()
                .orElseThrow(() -> new NetnsException("namespace '" + namespace.name() + "' has no interface " + name
                        + " any more"));
    }

    @Override
    public Link down() {
        return setUp(false);
    }

    /**
     * Sets the interface up and puts back the declared routes of its namespace: the kernel deletes
     * the routes through an interface when it goes down, and a cable put back should work as before.
     */
    @Override
    public Link up() {
        setUp(true);
        namespace.restoreDeclaredRoutes();
        return this;
    }

    private Link setUp(boolean up) {
        try {
            namespace.setUp(name, up);
        } catch (KernelException e) {
            throw new NetnsException("set " + name + " of namespace '" + namespace.name() + "' " + (up ? "up" : "down")
                    + ": " + e.getMessage(), e);
        }
        return this;
    }

    @Override
    public Link impair(Impairment impairment) {
        if (impairment == null) {
            throw new NetnsException("impair " + name + " of namespace '" + namespace.name() + "': the impairment is null");
        }
        namespace.impair(name, impairment);
        return this;
    }

    @Override
    public Link clearImpairment() {
        namespace.clearImpairment(name);
        return this;
    }

    @Override
    public ImpairmentStatistics impairmentStatistics() {
        return namespace.impairmentStatistics(name);
    }

    @Override
    public String toString() {
        return "Link[" + namespace.name() + ":" + name + "]";
    }
}
