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
 * Masquerades traffic from {@link #source()} leaving namespace {@link #in()} (source NAT to the
 * address of the outgoing interface), with nftables inside that namespace.
 *
 * <pre>{@code
 * @Nat(in = "host", source = "192.168.15.0/24")
 * }</pre>
 */
@Documented
@Inherited
@ExtendWith(NetnsExtension.class)
@Repeatable(Nat.Nats.class)
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface Nat {

    /** The namespace that does the NAT (usually the router, e.g. {@code host}). */
    String in();

    /** The source network to masquerade, as CIDR. */
    String source();

    /** Only traffic leaving through this interface; empty for any. */
    String out() default "";

    /** The container of repeated {@link Nat} declarations. */
    @Documented
    @Inherited
    @ExtendWith(NetnsExtension.class)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @interface Nats {

        /** The declarations. */
        Nat[] value();
    }
}
