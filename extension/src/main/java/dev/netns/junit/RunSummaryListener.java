package dev.netns.junit;

import dev.netns.internal.namespace.RunStatistics;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Prints one line when a test run ends, if it built any topology: how many, the time spent building
 * and tearing them down, the processes killed at teardown, the leftovers of dead runs swept, and
 * kept namespaces with the command that removes them. Registered through
 * {@code META-INF/services}; JUnit's launcher finds it by itself.
 */
public class RunSummaryListener implements LauncherSessionListener {

    /** Created by the JUnit Platform launcher. */
    public RunSummaryListener() {
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        String summary = RunStatistics.summary();
        if (!summary.isEmpty()) {
            System.out.println(summary);
        }
    }
}
