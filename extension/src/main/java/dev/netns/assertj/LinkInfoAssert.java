package dev.netns.assertj;

import dev.netns.LinkInfo;
import org.assertj.core.api.AbstractAssert;

/** Assertions on one interface of a namespace, from {@link NetNsAssert#hasLink(String)}. */
public class LinkInfoAssert extends AbstractAssert<LinkInfoAssert, LinkInfo> {

    private final String namespace;

    LinkInfoAssert(LinkInfo actual, String namespace) {
        super(actual, LinkInfoAssert.class);
        this.namespace = namespace;
    }

    /** Verifies that the interface is administratively up. */
    public LinkInfoAssert isUp() {
        isNotNull();
        if (!actual.up()) {
            failWithMessage("Expected interface %s of namespace '%s' to be up, but it is: %s", actual.name(), namespace, actual);
        }
        return myself;
    }

    /** Verifies that the interface is administratively down. */
    public LinkInfoAssert isDown() {
        isNotNull();
        if (actual.up()) {
            failWithMessage("Expected interface %s of namespace '%s' to be down, but it is: %s", actual.name(), namespace, actual);
        }
        return myself;
    }

    /** Verifies that the interface has carrier (for a veth: its peer is up too). */
    public LinkInfoAssert hasCarrier() {
        isNotNull();
        if (!actual.lowerUp()) {
            failWithMessage("Expected interface %s of namespace '%s' to have carrier, but it is: %s", actual.name(), namespace, actual);
        }
        return myself;
    }

    /** Verifies the interface's MTU. */
    public LinkInfoAssert hasMtu(int mtu) {
        isNotNull();
        if (actual.mtu() != mtu) {
            failWithMessage("Expected interface %s of namespace '%s' to have MTU %d, but it is: %s", actual.name(), namespace,
                    mtu, actual);
        }
        return myself;
    }

    /** Verifies that the interface is a port of bridge {@code bridge}. */
    public LinkInfoAssert isPortOf(String bridge) {
        isNotNull();
        if (!bridge.equals(actual.master())) {
            failWithMessage("Expected interface %s of namespace '%s' to be a port of %s, but it is: %s", actual.name(),
                    namespace, bridge, actual);
        }
        return myself;
    }
}
