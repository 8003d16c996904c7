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
 * Destination NAT: connections to {@link #port()} on an address of namespace {@link #in()} go to
 * {@link #to()} instead, with nftables inside that namespace.
 *
 * <pre>{@code
 * @PortForward(in = "host", port = 8080, to = "192.168.15.2:80")
 * }</pre>
 */
@Documented
@Inherited
@ExtendWith(NetnsExtension.class)
@Repeatable(PortForward.PortForwards.class)
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface PortForward {

    /** The namespace that forwards (usually the router, e.g. {@code host}). */
    String in();

    /** The port connections arrive at. */
    int port();

    /** Where they go: {@code address:port}. */
    String to();

    /** {@code tcp} (default) or {@code udp}. */
    String protocol() default "tcp";

    /** The container of repeated {@link PortForward} declarations. */
    @Documented
    @Inherited
    @ExtendWith(NetnsExtension.class)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @interface PortForwards {

        /** The declarations. */
        PortForward[] value();
    }
}
