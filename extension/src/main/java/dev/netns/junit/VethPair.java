package dev.netns.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a veth cable between two ends, both up.
 *
 * <p>An end is where the cable plugs in: {@code "red"} (a new interface in namespace red, named
 * {@code eth0}, {@code eth1}, … in order), {@code "red:veth-red"} (that interface name), or the
 * name of a bridge (the end becomes a port of that bridge, named {@code veth0}, … in the bridge's
 * namespace, or {@code "br0:name"}).
 *
 * <pre>{@code
 * @VethPair(left = "red:veth-red", leftAddress = "192.168.15.1/24",
 *           right = "blue:veth-blue", rightAddress = "192.168.15.2/24")
 * }</pre>
 */
@Documented
@Inherited
@Repeatable(VethPair.VethPairs.class)
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface VethPair {

    /** The left end. */
    String left();

    /** The right end. */
    String right();

    /** The left end's address as CIDR ({@code 192.168.15.1/24}); empty for none. */
    String leftAddress() default "";

    /** The right end's address as CIDR; empty for none. */
    String rightAddress() default "";

    /** The container of repeated {@link VethPair} declarations. */
    @Documented
    @Inherited
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @interface VethPairs {

        /** The declarations. */
        VethPair[] value();
    }
}
