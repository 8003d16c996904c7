import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs every sample test class through the JUnit Platform launcher and prints one line
 * "N passed, N failed". Used by scripts/run-samples-rootless.sh, which starts it as an
 * unprivileged user inside a new user namespace (no Maven there).
 */
public class RunSamples {

    public static void main(String[] args) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectPackage("dev.netns.samples")).build(),
                listener);
        var summary = listener.getSummary();
        summary.getFailures().forEach(failure -> {
            System.out.println("FAILED " + failure.getTestIdentifier().getDisplayName() + ": " + failure.getException());
            failure.getException().printStackTrace(System.out);
        });
        System.out.println(summary.getTestsSucceededCount() + " passed, " + summary.getTestsFailedCount() + " failed, "
                + summary.getTestsSkippedCount() + " skipped");
        System.exit(summary.getTestsFailedCount() == 0 && summary.getTestsSucceededCount() > 0 ? 0 : 1);
    }
}
