package dev.netns.junit;

import dev.netns.NetNs;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Declares a network namespace, known in the test by its logical name; its real name on the
 * machine is unique per run. On a class or method it declares; on a field or parameter of type
 * {@link NetNs} it injects that namespace (declaring it if not yet declared).
 *
 * <pre>{@code
 * @Namespace("red")
 * @Namespace(value = "router", forwarding = true)
 * class RoutingTest {
 *     @Namespace("red") NetNs red;
 *     @Test void test(@Namespace("router") NetNs router) { ... }
 * }
 * }</pre>
 *
 * <p>The name {@code host} is reserved: it plays the machine of the tutorials (bridges live
 * there by default, it forwards, it does NAT), but it is a private namespace of the topology.
 */
@Documented
@Inherited
@ExtendWith(NetnsExtension.class)
@Repeatable(Namespace.Namespaces.class)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
public @interface Namespace {

    /** The logical name ({@code "red"}): letters, digits, '-', '_' or '.'. */
    String value();

    /** Whether the namespace forwards IPv4 (a router). Off by default; always on for {@code host}. */
    boolean forwarding() default false;

    /** The container of repeated {@link Namespace} declarations. */
    @Documented
    @Inherited
    @ExtendWith(NetnsExtension.class)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @interface Namespaces {

        /** The declarations. */
        Namespace[] value();
    }
}
