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
 * @VethPair(left = "red", leftAddress = "10.0.0.1/24, fd00::1/64",
 *           right = "blue", rightAddress = "10.0.0.2/24, fd00::2/64", mtu = 9000)
 * }</pre>
 */
@Documented
@Inherited
@ExtendWith(NetnsExtension.class)
@Repeatable(VethPair.VethPairs.class)
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface VethPair {

    /** The left end. */
    String left();

    /** The right end. */
    String right();

    /**
     * The left end's address as CIDR, IPv4 or IPv6 ({@code 192.168.15.1/24}, {@code fd00::1/64}),
     * or several separated by commas ({@code "10.0.0.1/24, fd00::1/64"}); empty for none.
     */
    String leftAddress() default "";

    /** The right end's address(es) as CIDR; empty for none. */
    String rightAddress() default "";

    /** The MTU of both ends in bytes; 0 keeps the kernel's (1500). */
    int mtu() default 0;

    /** The left end's MAC address ({@code 02:00:00:00:00:01}); empty lets the kernel pick one. */
    String leftMac() default "";

    /** The right end's MAC address; empty lets the kernel pick one. */
    String rightMac() default "";

    /** The container of repeated {@link VethPair} declarations. */
    @Documented
    @Inherited
    @ExtendWith(NetnsExtension.class)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @interface VethPairs {

        /** The declarations. */
        VethPair[] value();
    }
}
