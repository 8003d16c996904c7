package dev.netns.placement;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** Runs the fixture classes named in {@code args} through the JUnit launcher, as a build tool would, and prints the outcome. */
public final class FixtureRunner {

    private FixtureRunner() {
    }

    /** {@code args}: fixture class names; configuration parameters as {@code -Dname=value} system properties. */
    public static void main(String[] args) throws Exception {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (String name : args) {
            request.selectors(selectClass(Class.forName(name)));
        }
        LauncherDiscoveryRequest built = request.build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(built, summary);
        TestExecutionSummary result = summary.getSummary();
        for (TestExecutionSummary.Failure failure : result.getFailures()) {
            System.out.println("FAILED " + failure.getTestIdentifier().getDisplayName().replace("()", "")
                    .replaceAll("\\(.*\\)", "") + ": " + failure.getException());
            for (Throwable cause = failure.getException().getCause(); cause != null; cause = cause.getCause()) {
                System.out.println("  caused by " + cause);
            }
        }
        System.out.println("tests " + result.getTestsStartedCount() + ", failed " + result.getTestsFailedCount());
        System.exit(0);
    }
}
