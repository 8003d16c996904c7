package dev.netns.internal.placement;

import java.util.Locale;

/**
 * What a topology's close does about threads left in its namespaces: {@code report} (the default:
 * named in the log and the test's report) or {@code fail} (the close throws, so the test fails).
 * Set by the configuration parameter or system property {@value #PROPERTY}.
 */
public final class GhostPolicy {

    /** The configuration parameter (and system property). */
    public static final String PROPERTY = "netns.ghosts";

    private static volatile Boolean fail;
    private static final ThreadLocal<String> LAST_REPORT = new ThreadLocal<>();

    private GhostPolicy() {
    }

    /**
     * Sets the policy from a configuration value.
     *
     * @throws IllegalArgumentException for a value that is neither {@code report} nor {@code fail}
     */
    public static void configure(String value) {
        fail = parse(value);
    }

    static boolean parse(String value) {
        String mode = value.strip().toLowerCase(Locale.ROOT);
        if (!mode.equals("report") && !mode.equals("fail")) {
            throw new IllegalArgumentException(PROPERTY + "='" + value + "' is not one of report, fail");
        }
        return mode.equals("fail");
    }

    /** Whether ghosts fail the close. */
    public static boolean failsTheTest() {
        Boolean configured = fail;
        if (configured == null) {
            String property = System.getProperty(PROPERTY);
            return property != null && parse(property);
        }
        return configured;
    }

    /** Keeps the ghost report of the topology the calling thread just closed, for the JUnit extension. */
    public static void keepReport(String report) {
        LAST_REPORT.set(report);
    }

    /** Takes the report kept by the last close on the calling thread (empty when none). */
    public static String takeReport() {
        String report = LAST_REPORT.get();
        LAST_REPORT.remove();
        return report == null ? "" : report;
    }
}
