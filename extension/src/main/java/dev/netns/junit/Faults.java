package dev.netns.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a seeded fault schedule on the test's topology while the test method runs: it starts once
 * the topology is built (before the method, after {@code @BeforeEach}), and is closed, its last
 * fault healed, as soon as the method returns (before {@code @AfterEach}). A
 * {@link dev.netns.FaultRun} parameter gives the test the running schedule.
 *
 * <pre>{@code
 * @Test
 * @Faults(seed = 42, every = "1s", isolateOne = {"n1", "n2", "n3"}, majoritiesRing = {"n1", "n2", "n3"})
 * void survivesPartitions(FaultRun faults) { ... }
 * }</pre>
 *
 * <p>Each non-empty list adds one kind of fault, in this order: {@code isolateOne},
 * {@code partitionHalves}, {@code majoritiesRing} (see {@link dev.netns.Fault}). Faults on
 * programs (pause, crash) need the programs, so they are built in code with
 * {@link dev.netns.FaultSchedule} and {@link dev.netns.Topology#startFaults}.
 */
@Documented
@ExtendWith(NetnsExtension.class)
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Faults {

    /** The value of {@link #seed()} that means "pick one at random and report it". */
    long RANDOM_SEED = Long.MIN_VALUE;

    /** The seed of every choice; the report of a failed test names the one used. */
    long seed() default RANDOM_SEED;

    /** How long each fault holds: {@code "300ms"}, {@code "2s"}. */
    String every();

    /** How long the network stays whole after each heal; empty for no pause. */
    String calm() default "";

    /** Namespaces of which one, picked by the seed, is cut from the others. */
    String[] isolateOne() default {};

    /** Namespaces split into two halves picked by the seed. */
    String[] partitionHalves() default {};

    /** Namespaces cut into a majorities ring in an order picked by the seed. */
    String[] majoritiesRing() default {};
}
