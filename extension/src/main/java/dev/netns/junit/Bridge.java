package dev.netns.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Declares a Linux bridge (a virtual switch), up, with spanning tree off so ports forward at
 * once. An address on it gives its namespace access to the segment, as the host in the
 * tutorials.
 *
 * <pre>{@code
 * @Bridge(value = "v-net-0", address = "192.168.15.5/24")
 * @VethPair(left = "red", leftAddress = "192.168.15.1/24", right = "v-net-0")
 * }</pre>
 */
@Documented
@Inherited
@ExtendWith(NetnsExtension.class)
@Repeatable(Bridge.Bridges.class)
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface Bridge {

    /** The bridge's name, also its interface name (at most 15 characters). */
    String value();

    /** The bridge's own address as CIDR; empty for none. */
    String address() default "";

    /** The namespace the bridge lives in; {@code host} by default. */
    String in() default "host";

    /**
     * Whether bridged traffic passes the netfilter hooks of the bridge's namespace
     * ({@code net.bridge.bridge-nf-call-iptables}); off by default.
     */
    boolean netfilter() default false;

    /**
     * Whether cables between this bridge and other {@code stp} bridges may form loops (a ring, a
     * torus): netns-junit computes a spanning tree over them when the topology starts and takes
     * down the port of each cable that would close a loop, so there is no broadcast storm and no wait.
     * (The kernel's own spanning tree protocol does not run between bridges in network namespaces
     * other than the machine's: its BPDUs go unanswered.) The tree is fixed: a cable of the tree
     * pulled out with {@code Link.down()} is not replaced by a blocked one. Off by default.
     */
    boolean stp() default false;

    /** The container of repeated {@link Bridge} declarations. */
    @Documented
    @Inherited
    @ExtendWith(NetnsExtension.class)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @interface Bridges {

        /** The declarations. */
        Bridge[] value();
    }
}
