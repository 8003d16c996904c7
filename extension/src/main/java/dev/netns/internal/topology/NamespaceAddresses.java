package dev.netns.internal.topology;

import dev.netns.internal.model.IpAddress;
import dev.netns.internal.model.TopologyModel.RouteSpec;
import dev.netns.internal.model.TopologyModel;
import java.util.List;
import java.util.Optional;

/**
 * What a namespace handle needs to know of the declarations about its own namespace: the
 * addresses its name stands for, and the routes to put back when a link comes up again.
 *
 * @param first the first IPv4 address declared, if any
 * @param first6 the first IPv6 address declared, if any
 * @param routes the routes declared in this namespace
 */
record NamespaceAddresses(Optional<IpAddress> first, Optional<IpAddress> first6, List<RouteSpec> routes) {

    /** Picks out of {@code model} what concerns namespace {@code name}. */
    static NamespaceAddresses of(TopologyModel model, String name) {
        return new NamespaceAddresses(model.firstAddress(name), model.firstAddress6(name),
                model.routes().stream().filter(route -> route.namespace().equals(name)).toList());
    }
}
