package dev.netns.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Verdicts on histories that others published with their verdicts: porcupine's etcd logs and
 * key-value histories, Knossos' cas-register histories (sources in resources/histories/README.md).
 */
class PublishedHistoriesTest {

    /** From {@code checkJepsen(t, N, expected)} in porcupine's porcupine_test.go. */
    private static final String ETCD_LINEARIZABLE = "2 5 7 18 25 31 38 45 48 49 51 53 56 67 75 76 80 87 92 98 100 101 102";

    private static Path resource(String name) {
        try {
            return Path.of(PublishedHistoriesTest.class.getResource("/histories/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> files(String folder) throws IOException {
        try (Stream<Path> files = Files.list(resource(folder))) {
            return files.sorted().toList();
        }
    }

    private static DynamicTest verdict(Path file, Model model, boolean linearizable) {
        return DynamicTest.dynamicTest(file.getFileName() + " is " + (linearizable ? "" : "not ") + "linearizable", () -> {
            CheckResult result = Linearizability.check(History.readJepsen(file), model, Duration.ofSeconds(60));
            assertThat(result.unknown()).as("unknown: %s", result.explanation()).isFalse();
            assertThat(result.linearizable()).as(result.explanation()).isEqualTo(linearizable);
            if (!linearizable) {
                assertThat(result.explanation()).contains("Not linearizable", "longest linearizable prefix");
            }
        });
    }

    @TestFactory
    List<DynamicTest> porcupineEtcdLogs() throws IOException {
        List<String> good = List.of(ETCD_LINEARIZABLE.split(" "));
        List<DynamicTest> tests = new ArrayList<>();
        List<Path> logs = files("porcupine/etcd");
        assertThat(logs).hasSize(102);
        for (Path log : logs) {
            String number = log.getFileName().toString().replaceAll("\\D", "").replaceFirst("^0+(?=\\d)", "");
            tests.add(verdict(log, Model.casRegister(), good.contains(number)));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> porcupineKeyValueHistories() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : files("porcupine/kv")) {
            tests.add(verdict(file, Model.keyValue(), file.getFileName().toString().contains("-ok")));
        }
        assertThat(tests).hasSize(6);
        return tests;
    }

    @TestFactory
    List<DynamicTest> knossosCasRegisterHistories() throws IOException {
        Map<Path, Boolean> expected = new TreeMap<>();
        files("knossos/cas-register/good").forEach(file -> expected.put(file, true));
        files("knossos/cas-register/bad").forEach(file -> expected.put(file, false));
        assertThat(expected.values()).contains(true, false);
        List<DynamicTest> tests = new ArrayList<>();
        expected.forEach((file, linearizable) -> tests.add(verdict(file, Model.casRegister(), linearizable)));
        return tests;
    }
}
