package dev.netns;

import java.time.Duration;

/**
 * A program running in the background inside a namespace, started by {@link NetNs#start} or
 * {@link Command#start()}: a server, a daemon, a proxy under test.
 *
 * <pre>{@code
 * try (Program server = blue.start("python3", "-m", "http.server", "8080")) {
 *     server.awaitPort(8080, Duration.ofSeconds(10));
 *     assertThat(red).canConnect("blue", 8080);
 * }   // SIGTERM, a grace period, then SIGKILL
 * }</pre>
 *
 * <p>Its standard output and error are recorded as it runs, without a pipe that could fill up and
 * block it. A chatty program keeps only the first {@value #OUTPUT_HEAD_BYTES} bytes and the last
 * {@value #OUTPUT_TAIL_BYTES} bytes of each stream; the text says where and how much was dropped.
 * Output is decoded as UTF-8, leniently (invalid bytes become U+FFFD).
 *
 * <p>The program is stopped at the latest when its topology is torn down, together with every
 * other process inside the topology's namespaces, however it was started.
 */
public interface Program extends AutoCloseable {

    /** Bytes kept from the start of each output stream. */
    int OUTPUT_HEAD_BYTES = 1 << 20;

    /** Bytes kept from the end of each output stream. */
    int OUTPUT_TAIL_BYTES = 4 << 20;

    /** How long {@link #stop()} waits after SIGTERM before it sends SIGKILL. */
    Duration STOP_GRACE = Duration.ofSeconds(2);

    /** The process id, as the machine's {@code ps} shows it. */
    long pid();

    /** Whether the process is still running. */
    boolean isAlive();

    /** What the program wrote to standard output so far. */
    String stdout();

    /** What the program wrote to standard error so far. */
    String stderr();

    /**
     * Waits until something listens on TCP {@code port} inside the program's namespace, on any
     * of its addresses (IPv4 or IPv6).
     *
     * @return this program, for chaining
     * @throws NetnsException on timeout, or at once when the program exits first; the message
     *         names the program and shows its output so far
     */
    Program awaitPort(int port, Duration timeout);

    /**
     * Waits until {@code text} appears in the program's standard output or standard error.
     *
     * @return this program, for chaining
     * @throws NetnsException on timeout, or at once when the program exits without printing it;
     *         the message names the program and shows its output so far
     */
    Program awaitOutput(String text, Duration timeout);

    /**
     * Stops the program: SIGTERM to it and its children, up to {@link #STOP_GRACE} to exit, then
     * SIGKILL. Safe to call twice: the second call returns the same result.
     *
     * @return its exit code (128 + signal number when a signal ended it) and all its output
     */
    ExecResult stop();

    /**
     * Freezes the program and its children (SIGSTOP): a node that hangs but keeps its sockets.
     * Peers see silence: connections stay open, connects complete in the kernel but nothing
     * answers, timers stop. A program paused at teardown is killed as usual.
     */
    void pause();

    /** Lets a paused program and its children run again (SIGCONT); a no-op when it is not paused. */
    void resume();

    /** Whether {@link #pause()} froze it and it was not resumed since (and it still exists). */
    boolean isPaused();

    /**
     * Crashes the program: SIGKILL to it and its children now, no grace period, and waits for it.
     * Its peers see their connections reset. Safe to call twice, and after {@link #stop()}.
     *
     * @return its exit code (137: killed by SIGKILL, unless it had ended before) and all its output
     */
    ExecResult kill();

    /**
     * Starts the same command again in the same namespace, with the same options (directory,
     * environment, input), so at the same addresses; when this program still runs it is
     * {@link #kill() killed} first. This handle keeps the old run's result and output.
     *
     * <pre>{@code
     * ExecResult crashed = node.kill();
     * node = node.restart();
     * node.awaitPort(2181, Duration.ofSeconds(10));
     * }</pre>
     *
     * @return the new program
     */
    Program restart();

    /** Same as {@link #stop()}. */
    @Override
    void close();
}
