package dev.netns.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class whose tests run in real network namespaces: the same as
 * {@code @ExtendWith(NetnsExtension.class)}, with options.
 *
 * <pre>{@code
 * @NetnsTest
 * @Namespace("red")
 * @Namespace("blue")
 * @VethPair(left = "red", leftAddress = "10.0.0.1/24", right = "blue", rightAddress = "10.0.0.2/24")
 * class RedBlueTest {
 *     @Test
 *     void redReachesBlue(@Namespace("red") NetNs red, @Namespace("blue") NetNs blue) {
 *         assertThat(red).canPing(blue);
 *     }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(NetnsExtension.class)
public @interface NetnsTest {

    /**
     * When topologies are made: a fresh one for every test (the default), or one shared by all
     * tests of the class ({@link TopologyLifecycle#PER_CLASS}).
     */
    TopologyLifecycle lifecycle() default TopologyLifecycle.PER_TEST;

    /**
     * Whether the topology is torn down after the test ({@link CleanupMode#ALWAYS}) or kept for
     * inspection. {@link CleanupMode#DEFAULT} reads the configuration parameter
     * {@code netns.cleanup.mode.default} ({@code always}, {@code on_success}, {@code never}).
     */
    CleanupMode cleanup() default CleanupMode.DEFAULT;

    /**
     * When the JVM lacks the privileges to create namespaces (CAP_SYS_ADMIN, CAP_NET_ADMIN),
     * skip the tests with that reason instead of failing them. Off by default: a test that cannot
     * run its network should not pass silently.
     */
    boolean disabledWithoutPrivileges() default false;
}
