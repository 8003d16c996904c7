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

    /** The argv as the user would type it, for messages. */
    String display() {
        return String.join(" ", argv);
    }
}
