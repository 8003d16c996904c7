package dev.netns.internal.program;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to run one program: argv, environment changes (a null value removes the
 * variable), working directory, standard input and timeout. Null fields mean the default.
 */
record CommandSpec(List<String> argv, Map<String, String> environment, Path directory, byte[] inputBytes,
        Path inputFile, Duration timeout) {

    /** Applies the environment changes to {@code target} (a copy of the JVM's environment). */
    void applyEnvironmentTo(Map<String, String> target) {
        environment.forEach((name, value) -> {
            if (value == null) {
                target.remove(name);
            } else {
                target.put(name, value);
            }
        });
    }

    /** The argv as the user would type it, for messages. */
    String display() {
        return String.join(" ", argv);
    }
}
