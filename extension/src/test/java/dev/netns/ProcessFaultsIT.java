package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Paused, crashed and restarted nodes: a real echo server that hangs, dies and comes back. */
class ProcessFaultsIT {

    /** An echo server on TCP 7100, one thread per connection. */
    static final String ECHO = String.join("\n",
            "import socket, threading",
            "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('0.0.0.0', 7100)); s.listen()",
            "def serve(c):",
            "    while True:",
            "        d = c.recv(100)",
            "        if not d: break",
            "        c.sendall(d)",
            "while True:",
            "    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()");

    private Topology net;
    private NetNs client;
    private NetNs server;

    @BeforeEach
    void start() {
        net = Topology.builder().namespace("client").namespace("server")
                .veth("client", "10.6.0.1/24", "server", "10.6.0.2/24").start();
        client = net.namespace("client");
        server = net.namespace("server");
    }

    @AfterEach
    void close() {
        net.close();
    }

    /** The echo server as the child of a shell, so that "and its children" is put to the test. */
    private Program echoServer() {
        return server.start("sh", "-c", "python3 -c \"$1\" & wait", "sh", ECHO).awaitPort(7100, Duration.ofSeconds(10));
    }

    private Socket connect() throws Exception {
        Socket socket = client.call(() -> new Socket("10.6.0.2", 7100));
        socket.setSoTimeout(700);
        return socket;
    }

    private static int echo(Socket socket, int value) throws IOException {
        socket.getOutputStream().write(value);
        return socket.getInputStream().read();
    }

    private static char state(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    @Test
    void aPausedServerKeepsItsSocketsButDoesNotAnswerUntilResumed() throws Exception {
        Program program = echoServer();
        long child = ProcessHandle.of(program.pid()).orElseThrow().children().findFirst().orElseThrow().pid();
        try (Socket socket = connect()) {
            assertThat(echo(socket, 1)).isEqualTo(1);
            program.pause();
            assertThat(program.isPaused()).isTrue();
            assertThat(state(program.pid())).isEqualTo('T');
            assertThat(state(child)).as("its child is stopped too").isEqualTo('T');
            assertThatThrownBy(() -> echo(socket, 2)).isInstanceOf(SocketTimeoutException.class);
            assertThat(server.sockets()).as("its sockets stay open").anyMatch(SocketInfo::isEstablished);

            program.resume();
            assertThat(program.isPaused()).isFalse();
            assertThat(socket.getInputStream().read()).as("the byte sent while it hung").isEqualTo(2);
            assertThat(echo(socket, 3)).isEqualTo(3);
        }
        program.pause();
        ExecResult stopped = program.stop();
        assertThat(program.isAlive()).as("a paused program stops: " + stopped).isFalse();
    }

    @Test
    void killIsACrashAndRestartBringsTheSameCommandBack() throws Exception {
        Program program = echoServer();
        try (Socket socket = connect()) {
            assertThat(echo(socket, 1)).isEqualTo(1);
            long started = System.nanoTime();
            ExecResult crashed = program.kill();
            assertThat((System.nanoTime() - started) / 1_000_000).as("no grace period").isLessThan(1500);
            assertThat(crashed.exitCode()).isEqualTo(137);
            assertThat(program.isAlive()).isFalse();
            assertThat(program.kill()).isSameAs(crashed);
            // its child died with it: the connection it served is closed by the kernel
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        Program again = program.restart().awaitPort(7100, Duration.ofSeconds(10));
        assertThat(again.pid()).isNotEqualTo(program.pid());
        try (Socket socket = connect()) {
            assertThat(echo(socket, 5)).isEqualTo(5);
        }
        // restarting a running program crashes it first
        Program third = again.restart();
        assertThat(again.isAlive()).isFalse();
        third.awaitPort(7100, Duration.ofSeconds(10));
        assertThat(third.isAlive()).isTrue();
    }

    @Test
    void pausingANamespaceFreezesEveryProcessInItHoweverStarted() throws Exception {
        // a daemon that outlives its shell: not a Program of ours
        server.exec("sh", "-c", "python3 -c \"$1\" >/dev/null 2>&1 &", "sh", ECHO);
        try (Program sleeper = server.start("sleep", "60")) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> server.sockets().stream().anyMatch(s -> s.state().equals("LISTEN")));
            try (Socket socket = connect()) {
                assertThat(echo(socket, 1)).isEqualTo(1);
                server.pause();
                assertThat(state(sleeper.pid())).isEqualTo('T');
                assertThatThrownBy(() -> echo(socket, 2)).isInstanceOf(SocketTimeoutException.class);
                server.resume();
                assertThat(state(sleeper.pid())).isNotEqualTo('T');
                assertThat(socket.getInputStream().read()).isEqualTo(2);
            }
        }
    }
}
