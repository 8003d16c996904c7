package dev.netns;

import java.util.List;

/**
 * What a program run inside a namespace did.
 *
 * @param command the argv that ran
 * @param exitCode the exit status; 128 + signal number when killed by a signal
 * @param stdout everything it wrote to standard output (UTF-8)
 * @param stderr everything it wrote to standard error (UTF-8)
 * @param timedOut whether it was killed (with its children) because it ran past its timeout
 */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {

    /** Copies the command so the result stays immutable. */
    public ExecResult {
        command = List.copyOf(command);
    }

    /** Whether the program exited with status 0 within its timeout. */
    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " -> " + (timedOut ? "timed out (killed), " : "") + "exit " + exitCode
                + (stdout.isEmpty() ? "" : "\n--- stdout ---\n" + stdout)
                + (stderr.isEmpty() ? "" : "\n--- stderr ---\n" + stderr);
    }
}
