package dev.netns.junit;

/**
 * What happens to a test's topology when the test ends. Modelled on JUnit's {@code @TempDir}
 * cleanup modes.
 *
 * <p>A kept topology is left on the machine, each namespace named in {@code /run/netns}; the log
 * and the test report say how to enter each one ({@code ip netns exec NAME ...}) and how to remove
 * it ({@code ip netns del NAME}). Programs started inside are killed either way.
 */
public enum CleanupMode {

    /** Use the configuration parameter {@value NetnsExtension#CLEANUP_MODE_PROPERTY}, else {@link #ALWAYS}. */
    DEFAULT,

    /** Tear the topology down after every test. */
    ALWAYS,

    /** Tear it down when the test passed; keep it for inspection when it failed. */
    ON_SUCCESS,

    /** Always keep it (for debugging a test by hand). */
    NEVER
}
