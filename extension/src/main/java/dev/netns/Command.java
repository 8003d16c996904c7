package dev.netns;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A program to run inside a namespace, with the options {@link ProcessBuilder} users expect.
 * Made by {@link NetNs#command(String...)}; finish with {@link #exec()} (run and wait) or
 * {@link #start()} (run in the background).
 *
 * <pre>{@code
 * ExecResult result = red.command("sh", "-c", "cat > /dev/null; echo $GREETING")
 *         .environment("GREETING", "hello")
 *         .input("some bytes".getBytes(StandardCharsets.UTF_8))
 *         .directory(Path.of("/tmp"))
 *         .timeout(Duration.ofSeconds(5))
 *         .exec();
 * }</pre>
 *
 * <p>Defaults: the JVM's environment and working directory, nothing on standard input
 * ({@code /dev/null}), and a timeout of {@link NetNs#DEFAULT_EXEC_TIMEOUT} for {@link #exec()}
 * ({@link #start()} has none: the program runs until stopped or until the topology ends).
 */
public interface Command {

    /** Sets (or, with a null value, removes) one environment variable of the program. */
    Command environment(String name, String value);

    /** Runs the program in {@code directory} instead of the JVM's working directory. */
    Command directory(Path directory);

    /** Feeds {@code bytes} to the program's standard input, then closes it. */
    Command input(byte[] bytes);

    /** Feeds the file {@code file} to the program's standard input. */
    Command input(Path file);

    /** How long {@link #exec()} waits before it kills the program and its children. */
    Command timeout(Duration timeout);

    /**
     * Runs the program and waits for it (at most the timeout; past it the program and its
     * children are killed and {@link ExecResult#timedOut()} is true).
     *
     * @throws NetnsException when the program cannot be started (not found, not executable)
     */
    ExecResult exec();

    /**
     * Starts the program in the background.
     *
     * @throws NetnsException when the program cannot be started (not found, not executable)
     */
    Program start();

    /**
     * Adds options for the child JVM of a command made by {@link NetNs#java(Class, String...)}
     * ({@code "-Xmx64m"}, {@code "-XX:+UseSerialGC"}); they come before the main class.
     *
     * @throws NetnsException for a command that does not start a JVM
     */
    Command jvmOptions(String... options);

    /**
     * Sets a system property ({@code -Dname=value}) of the child JVM of a command made by
     * {@link NetNs#java(Class, String...)}.
     *
     * @throws NetnsException for a command that does not start a JVM, or a name that is empty
     */
    Command systemProperty(String name, String value);
}
