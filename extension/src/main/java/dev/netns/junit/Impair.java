package dev.netns.junit;

import dev.netns.Impairment;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Impairs what leaves one interface from the start of the test: delay, jitter, loss, rate and
 * more, the same on every kernel (see {@link Impairment}). Unset attributes leave that
 * aspect untouched.
 *
 * <pre>{@code
 * @Impair(link = "red:eth0", delay = "100ms", loss = 5, seed = 42)
 * @Impair(link = "blue:eth0", rate = "10mbit")
 * }</pre>
 */
@Documented
@Inherited
@ExtendWith(NetnsExtension.class)
@Repeatable(Impair.Impairs.class)
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface Impair {

    /** The value of {@link #seed()} that means "pick one at random and report it". */
    long RANDOM_SEED = Long.MIN_VALUE;

    /** The interface, as {@code namespace:interface} ({@code "red:eth0"}). */
    String link();

    /** A one-way delay: {@code "100ms"}, {@code "1.5s"}, {@code "250us"}, at most an hour; empty for none. */
    String delay() default "";

    /** The jitter around the delay, same units; empty for none. */
    String jitter() default "";

    /** Percent of packets lost, 0 to 100. */
    double loss() default 0;

    /** A rate limit: {@code "10mbit"}, {@code "1gbit"}, {@code "500kbit"}, or bits per second, at least 1kbit; empty for none. */
    String rate() default "";

    /** Percent of packets sent twice. */
    double duplicate() default 0;

    /** Percent of packets sent at once, ahead of the delayed others. */
    double reorder() default 0;

    /** Percent of packets with one bit flipped. */
    double corrupt() default 0;

    /** Whether loss, duplication and corruption also hit ARP, IPv6 neighbour discovery and other non-IP frames. */
    boolean controlFrames() default false;

    /** The seed of the random choices; {@link #RANDOM_SEED} picks one and reports it. */
    long seed() default RANDOM_SEED;

    /** The container of repeated {@link Impair} declarations. */
    @Documented
    @Inherited
    @ExtendWith(NetnsExtension.class)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @interface Impairs {

        /** The declarations. */
        Impair[] value();
    }
}
