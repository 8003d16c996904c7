package dev.netns.internal.model;

import dev.netns.Impairment;

/**
 * One declaration as the user wrote it (builder call or annotation), not yet validated. Every
 * declaration knows its {@code origin}, the words an error message uses to point at it.
 */
public sealed interface Declaration {

    /** Where this came from, e.g. {@code @VethPair(left="red", right="blue") on RedBlueTest}. */
    String origin();

    /** {@code namespace(name, forwarding)}. */
    record NamespaceDeclaration(String name, boolean forwarding, String origin) implements Declaration {
    }

    /** {@code bridge(name, cidr, in, netfilter)}; {@code cidr} may be null. */
    record BridgeDeclaration(String name, String cidr, String in, boolean netfilter, boolean stp, String origin)
            implements Declaration {

        /** A bridge without spanning tree. */
        public BridgeDeclaration(String name, String cidr, String in, boolean netfilter, String origin) {
            this(name, cidr, in, netfilter, false, origin);
        }
    }

    /**
     * {@code veth(leftEnd, leftCidr, rightEnd, rightCidr)}; CIDRs may be null or list several,
     * separated by commas; {@code mtu} 0 and null MACs mean the kernel's defaults.
     */
    record VethDeclaration(String leftEnd, String leftCidr, String rightEnd, String rightCidr, int mtu, String leftMac,
            String rightMac, String origin) implements Declaration {

        /** A cable with the kernel's MTU and MAC addresses. */
        public VethDeclaration(String leftEnd, String leftCidr, String rightEnd, String rightCidr, String origin) {
            this(leftEnd, leftCidr, rightEnd, rightCidr, 0, null, null, origin);
        }
    }

    /** {@code route(in, destination, gateway)}. */
    record RouteDeclaration(String in, String destination, String gateway, String origin) implements Declaration {
    }

    /** {@code nat(in, source, out)}; {@code out} may be null. */
    record NatDeclaration(String in, String source, String out, String origin) implements Declaration {
    }

    /** {@code impair(end, impairment)}: the end is {@code namespace:interface}. */
    record ImpairDeclaration(String end, Impairment impairment, String origin) implements Declaration {
    }

    /** {@code portForward(in, port, destination, protocol)}. */
    record PortForwardDeclaration(String in, int port, String destination, String protocol, String origin)
            implements Declaration {
    }
}
