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
 * Declares a static route. The gateway must be on a network of the namespace.
 *
 * <pre>{@code
 * @Route(in = "blue", to = "192.168.1.0/24", via = "192.168.15.5")
 * @Route(in = "blue", to = "default", via = "192.168.15.5")
 * }</pre>
 */
@Documented
@Inherited
@ExtendWith(NetnsExtension.class)
@Repeatable(Route.Routes.class)
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface Route {

    /** The namespace whose routing table gets the route. */
    String in();

    /** The destination: a network as CIDR ({@code 192.168.1.0/24}) or {@code default}. */
    String to();

    /** The gateway (next hop) address. */
    String via();

    /** The container of repeated {@link Route} declarations. */
    @Documented
    @Inherited
    @ExtendWith(NetnsExtension.class)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @interface Routes {

        /** The declarations. */
        Route[] value();
    }
}
