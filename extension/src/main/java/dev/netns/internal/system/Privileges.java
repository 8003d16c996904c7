package dev.netns.internal.system;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks, before anything is made, that this JVM may create and configure network namespaces. */
public final class Privileges {

    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_SYS_ADMIN = 21;

    private Privileges() {
    }

    private static volatile boolean sufficient;

    /**
     * The capabilities netns-junit needs that this JVM lacks; empty when all is well. Once they
     * were found, later calls answer at once.
     */
    public static List<String> missing() {
        if (sufficient) {
            return List.of();
        }
        BigInteger effective = effectiveCapabilities();
        List<String> missing = new ArrayList<>();
        if (!effective.testBit(CAP_SYS_ADMIN)) {
            missing.add("CAP_SYS_ADMIN");
        }
        if (!effective.testBit(CAP_NET_ADMIN)) {
            missing.add("CAP_NET_ADMIN");
        }
        sufficient = missing.isEmpty();
        return missing;
    }

    /** What to tell a user whose test fails for lack of {@code missing}. */
    public static String explain(List<String> missing) {
        return why(missing) + " To skip such tests instead of failing them, use @NetnsTest(disabledWithoutPrivileges = true).";
    }

    /** What to tell a user whose test is skipped for lack of {@code missing}. */
    public static String explainSkip(List<String> missing) {
        return why(missing) + " Skipped, as @NetnsTest(disabledWithoutPrivileges = true) asks.";
    }

    private static String why(List<String> missing) {
        return "netns-junit needs CAP_SYS_ADMIN and CAP_NET_ADMIN to create network namespaces, and this JVM lacks "
                + String.join(" and ", missing) + ". Either run the JVM as root of a user namespace of its own, "
                + "which needs no root at all where unprivileged user namespaces are allowed "
                + "(unshare --user --map-root-user mvn verify; see docs/rootless.md), or run the tests as root "
                + "(sudo mvn verify, a privileged CI runner, docker run --privileged).";
    }

    private static BigInteger effectiveCapabilities() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return new BigInteger(line.substring("CapEff:".length()).strip(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc: not Linux, so nothing will work; report every capability as missing
        }
        return BigInteger.ZERO;
    }
}
