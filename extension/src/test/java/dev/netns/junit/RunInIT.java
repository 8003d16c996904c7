package dev.netns.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.netns.NetNs;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** {@code @RunIn}: the test, its {@code @BeforeEach} and {@code @AfterEach} run inside a namespace. */
@Execution(value = ExecutionMode.SAME_THREAD, reason = "its tests share the SEEN list")
class RunInIT {

    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    private static EngineExecutionResults run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
    }

    static String here() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    }

    static String of(NetNs ns) throws IOException {
        return Files.readSymbolicLink(ns.path()).toString();
    }

    @Test
    void beforeEachTestAndAfterEachRunOnOneThreadInTheNamespace() {
        SEEN.clear();
        run(MethodCase.class).testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
        assertThat(SEEN).containsExactly(
                "before in red", "test in red", "after in red",
                "before outside", "test outside", "after outside");
    }

    @Test
    void onAClassEveryTestRunsInsideAndTheNamespaceNeedsNoOtherDeclaration() {
        SEEN.clear();
        run(ClassCase.class).testEvents().assertStatistics(stats -> stats.started(3).succeeded(3));
        assertThat(SEEN).containsExactlyInAnyOrder("client reached 10.32.0.2", "client reached 10.32.0.2",
                "client reached 10.32.0.2");
    }

    @Test
    void aTypoInTheNameIsRefusedWithTheNameItMeant() {
        run(TypoCase.class).testEvents().assertThatEvents().haveExactly(1,
                finishedWithFailure(message(text -> text.contains("\"rde\"") && text.contains("did you mean 'red'"))));
    }

    @NetnsTest
    @Namespace("red")
    static class MethodCase {
        @Namespace("red") NetNs red;
        private String thread;

        @BeforeEach
        void before() throws IOException {
            thread = Thread.currentThread().getName();
            SEEN.add("before " + (here().equals(of(red)) ? "in red" : "outside"));
        }

        @Test
        @RunIn("red")
        void inside() throws IOException {
            assertThat(Thread.currentThread().getName()).isEqualTo(thread);
            SEEN.add("test " + (here().equals(of(red)) ? "in red" : "outside"));
        }

        @Test
        void outside() throws IOException {
            SEEN.add("test " + (here().equals(of(red)) ? "in red" : "outside"));
        }

        @AfterEach
        void after() throws IOException {
            assertThat(Thread.currentThread().getName()).isEqualTo(thread);
            SEEN.add("after " + (here().equals(of(red)) ? "in red" : "outside"));
        }
    }

    @NetnsTest
    @RunIn("client")
    @Namespace("server")
    @VethPair(left = "client", leftAddress = "10.32.0.1/24", right = "server", rightAddress = "10.32.0.2/24")
    static class ClassCase {
        @Namespace("server") NetNs server;

        private void connect() throws Exception {
            try (ServerSocket listening = server.call(() -> new ServerSocket(7200));
                 Socket socket = new Socket("10.32.0.2", 7200)) {
                listening.accept().close();
                SEEN.add("client reached " + socket.getInetAddress().getHostAddress());
            }
        }

        @Test
        void plainSocket() throws Exception {
            connect();
        }

        @Test
        void onAThreadStartedByTheTest() throws Exception {
            Thread thread = new Thread(() -> {
                try {
                    connect();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            thread.start();
            thread.join();
        }

        @ParameterizedTest
        @ValueSource(ints = 1)
        void parameterized(int ignored) throws Exception {
            connect();
        }
    }

    @NetnsTest
    @Namespace("red")
    static class TypoCase {
        @Test
        @RunIn("rde")
        void typo() {
        }
    }
}
