package dev.netns.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.netns.NetNs;
import dev.netns.internal.topology.NamespaceHandle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Cleanup modes, failure diagnostics and failures in tests and {@code @AfterEach}, through the JUnit engine. */
@Isolated("looks at /run/netns, which kept topologies of other tests would change")
class CleanupAndDiagnosticsIT {

    static final List<String> REAL_NAMES = new ArrayList<>();
    static boolean runNetnsExisted;

    @org.junit.jupiter.api.BeforeAll
    static void rememberRunNetns() {
        runNetnsExisted = Files.isDirectory(Path.of("/run/netns"));
    }

    @org.junit.jupiter.api.AfterAll
    static void leaveRunNetnsAsFound() throws IOException {
        Path directory = Path.of("/run/netns");
        if (!runNetnsExisted && Files.isDirectory(directory)) {
            try (Stream<Path> entries = Files.list(directory)) {
                if (entries.findAny().isEmpty()) {
                    Files.delete(directory);
                }
            }
        }
    }

    @AfterEach
    void removeKeptNamespaces() throws Exception {
        for (String name : keptNames()) {
            new ProcessBuilder("ip", "netns", "del", name).start().waitFor();
        }
        REAL_NAMES.clear();
    }

    private static EngineExecutionResults run(Class<?> fixture, String... configuration) {
        var kit = EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture))
                .outputDirectoryCreator(new TemporaryOutputDirectories());
        for (int i = 0; i < configuration.length; i += 2) {
            kit.configurationParameter(configuration[i], configuration[i + 1]);
        }
        return kit.execute();
    }

    @Test
    void onSuccessKeepsTheTopologyOfAFailedTestAndSaysHowToEnterIt() throws Exception {
        EngineExecutionResults results = run(OnSuccessCase.class);

        results.testEvents().assertStatistics(stats -> stats.succeeded(1).failed(1));
        assertThat(REAL_NAMES).hasSize(2);
        List<String> kept = keptNames();
        assertThat(kept).hasSize(2).anyMatch(name -> name.endsWith("-red")).anyMatch(name -> name.endsWith("-blue"));
        String keptName = kept.stream().filter(name -> name.endsWith("-red")).findFirst().orElseThrow();
        assertThat(REAL_NAMES).as("only the failed test's red is kept").containsOnlyOnce(keptName);

        Process inside = new ProcessBuilder("ip", "netns", "exec", keptName, "ip", "-brief", "address").start();
        assertThat(new String(inside.getInputStream().readAllBytes())).contains("10.20.0.1/24");
        assertThat(reportEntries(results)).anySatisfy(entry -> assertThat(entry)
                .contains("kept the topology of failing(NetNs)")
                .contains("ip netns exec " + keptName)
                .contains("ip netns del " + keptName));
    }

    @Test
    void aSharedTopologyIsKeptWhenAnAfterEachOfTheClassFails() throws Exception {
        run(PerClassAfterEachFailureCase.class).testEvents().assertStatistics(stats -> stats.failed(1));
        assertThat(keptNames()).as("kept for the failure in @AfterEach").hasSize(1);
        removeKeptNamespaces();
    }

    @Test
    void neverKeepsEvenPassingTestsAndAlwaysKeepsNothing() throws Exception {
        run(DefaultCleanupCase.class, NetnsExtension.CLEANUP_MODE_PROPERTY, "never")
                .testEvents().assertStatistics(stats -> stats.succeeded(1));
        assertThat(keptNames()).hasSize(1);
        removeKeptNamespaces();

        run(DefaultCleanupCase.class).testEvents().assertStatistics(stats -> stats.succeeded(1));
        assertThat(keptNames()).isEmpty();
    }

    @Test
    void aFailedTestGetsTheStateOfItsNetworkInItsReport() {
        EngineExecutionResults results = run(DiagnosticsCase.class);

        results.testEvents().assertStatistics(stats -> stats.failed(1));
        List<String> entries = reportEntries(results);
        assertThat(entries).anySatisfy(state -> assertThat(state)
                .contains("== namespace red", "== namespace host")
                .contains("forwarding: 0", "forwarding: 1")
                .contains("eth0 (veth) UP")
                .contains("10.30.0.1/24 on eth0")
                .contains("default via 10.30.0.254 dev eth0")
                .contains("neighbours:")
                .contains("table ip netns_junit", "masquerade")
                .contains("== diagram (Mermaid)", "graph LR")
                .contains("program: Program[sh -c echo server says hello; exec sleep 60", "server says hello")
                .contains("capture: ", "icmp 10.30.0.1 > 10.30.0.254"));
        List<FileEntry> files = results.allEvents().list().stream()
                .flatMap(event -> event.getPayload(FileEntry.class).stream()).toList();
        assertThat(files).singleElement().satisfies(file -> {
            assertThat(file.getPath().getFileName()).hasToString("netns-state.txt");
            assertThat(Files.readString(file.getPath())).contains("== namespace red");
        });
    }

    @Test
    void failuresInTheTestAndInAfterEachAreBothReportedAndTheTopologyIsGone() {
        EngineExecutionResults results = run(TwoFailuresCase.class);

        Event finished = results.testEvents().failed().list().get(0);
        Throwable failure = finished.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
                .getThrowable().orElseThrow();
        assertThat(failure).hasMessage("in the test");
        assertThat(failure.getSuppressed()).extracting(Throwable::getMessage).containsExactly("in @AfterEach");
        assertThat(TwoFailuresCase.seen).isNotNull();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> TwoFailuresCase.seen.call(() -> 1)))
                .hasMessageContaining("is closed");
    }

    private static List<String> reportEntries(EngineExecutionResults results) {
        return results.allEvents().list().stream()
                .flatMap(event -> event.getPayload(ReportEntry.class).stream())
                .flatMap(entry -> entry.getKeyValuePairs().values().stream())
                .toList();
    }

    /** The namespaces this run kept under /run/netns. */
    private static List<String> keptNames() throws IOException {
        Path directory = Path.of("/run/netns");
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> names = Files.list(directory)) {
            // only this JVM's run (netns-junit-PID-...): other builds on the machine may keep namespaces too
            String ours = "netns-junit-" + ProcessHandle.current().pid() + "-";
            return names.map(path -> path.getFileName().toString()).filter(name -> name.startsWith(ours)).toList();
        }
    }

    /** Gives each test of a fixture its own temporary output directory, for published files. */
    static final class TemporaryOutputDirectories implements org.junit.platform.engine.OutputDirectoryCreator {

        private final Path root;

        TemporaryOutputDirectories() {
            try {
                Files.createDirectories(Path.of("target"));
                root = Files.createTempDirectory(Path.of("target"), "fixture-reports");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Path getRootDirectory() {
            return root;
        }

        @Override
        public Path createOutputDirectory(org.junit.platform.engine.TestDescriptor descriptor) throws IOException {
            return Files.createDirectories(root.resolve(Integer.toHexString(descriptor.getUniqueId().hashCode())));
        }
    }

    @NetnsTest(cleanup = CleanupMode.ON_SUCCESS, lifecycle = TopologyLifecycle.PER_CLASS)
    @Namespace("red")
    static class PerClassAfterEachFailureCase {

        @Test
        void passes(@Namespace("red") NetNs red) {
        }

        @org.junit.jupiter.api.AfterEach
        void failsAfterwards() {
            throw new AssertionError("deliberate failure in @AfterEach");
        }
    }

    @NetnsTest(cleanup = CleanupMode.ON_SUCCESS)
    @Namespace("red")
    static class OnSuccessCase {

        @Test
        @VethPair(left = "red", leftAddress = "10.20.0.1/24", right = "blue", rightAddress = "10.20.0.2/24")
        @Namespace("blue")
        void failing(@Namespace("red") NetNs red) {
            REAL_NAMES.add(((NamespaceHandle) red).realName());
            throw new AssertionError("deliberate, to keep the topology");
        }

        @Test
        void passing(@Namespace("red") NetNs red) {
            REAL_NAMES.add(((NamespaceHandle) red).realName());
        }
    }

    @NetnsTest
    @Namespace("red")
    static class DefaultCleanupCase {

        @Test
        void passing() {
        }
    }

    @NetnsTest
    @Namespace("red")
    @VethPair(left = "red", leftAddress = "10.30.0.1/24", right = "host", rightAddress = "10.30.0.254/24")
    @dev.netns.junit.Route(in = "red", to = "default", via = "10.30.0.254")
    @Nat(in = "host", source = "10.30.0.0/24")
    static class DiagnosticsCase {

        @Test
        void failing(@Namespace("red") NetNs red) {
            red.capture("eth0");
            red.start("sh", "-c", "echo server says hello; exec sleep 60").awaitOutput("hello", java.time.Duration.ofSeconds(5));
            red.ping("10.30.0.254");
            throw new AssertionError("deliberate");
        }
    }

    @NetnsTest
    @Namespace("red")
    static class TwoFailuresCase {

        static NetNs seen;

        @AfterEach
        void tearDown() {
            throw new IllegalStateException("in @AfterEach");
        }

        @Test
        void test(@Namespace("red") NetNs red) {
            seen = red;
            throw new AssertionError("in the test");
        }
    }
}
