package dev.netns.junit;

import dev.netns.internal.placement.GhostPolicy;
import dev.netns.internal.placement.OutsideNamespace;
import dev.netns.internal.program.ClassDataArchives;
import java.util.Locale;
import org.junit.platform.engine.ConfigurationParameters;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Before the first test runs, moves the thread that runs the tests into an empty network
 * namespace of the run (loopback and a sink only), so that every test thread, pool and client
 * born from it lives outside the machine's network: JVM code that connects to a topology address
 * from outside the topology fails the test instead of silently leaving through the machine's
 * network. Registered through {@code META-INF/services}; JUnit's launcher finds it by itself.
 *
 * <p>Configuration parameters (or system properties): {@value #OUTSIDE} = {@code empty} (the
 * default) or {@code machine} (the JVM stays in the machine's namespace: for suites that also use
 * the machine's own network, e.g. Testcontainers or a database on localhost; escapes are then not
 * caught); {@value GhostPolicy#PROPERTY} = {@code report} (default) or {@code fail};
 * {@value ClassDataArchives#PROPERTY} = {@code on} (default) or {@code off}.
 */
public class OutsideNamespaceListener implements TestExecutionListener {

    /** The configuration parameter that says where the JVM lives outside topologies. */
    public static final String OUTSIDE = "netns.outside";

    /** Created by the JUnit Platform launcher. */
    public OutsideNamespaceListener() {
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        ConfigurationParameters parameters = testPlan.getConfigurationParameters();
        parameters.get(GhostPolicy.PROPERTY).ifPresent(GhostPolicy::configure);
        parameters.get(ClassDataArchives.PROPERTY).ifPresent(ClassDataArchives::configure);
        String outside = parameters.get(OUTSIDE).orElse("empty").strip().toLowerCase(Locale.ROOT);
        switch (outside) {
            case "empty" -> OutsideNamespace.moveCallingThread();
            case "machine" -> { }
            default -> throw new IllegalArgumentException("Configuration parameter " + OUTSIDE + "='" + outside
                    + "' is not one of empty, machine");
        }
    }
}
