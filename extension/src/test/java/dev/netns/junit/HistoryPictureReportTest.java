package dev.netns.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.netns.assertj.NetnsAssertions;
import dev.netns.history.History;
import dev.netns.history.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** A test that fails on a non-linearizable history gets the picture in its report (no namespace needed). */
class HistoryPictureReportTest {

    @Test
    void thePictureOfAFailedHistoryIsAttached() throws IOException {
        Path reports = Files.createTempDirectory("history-reports");
        try {
            EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(StaleReadCase.class))
                    .outputDirectoryCreator(new Folders(reports)).execute();
            results.testEvents().assertStatistics(stats -> stats.failed(1));
            List<String> entries = results.allEvents().list().stream()
                    .flatMap(event -> event.getPayload(ReportEntry.class).stream())
                    .flatMap(entry -> entry.getKeyValuePairs().entrySet().stream())
                    .filter(pair -> pair.getKey().equals("netns.history.picture")).map(pair -> pair.getValue()).toList();
            assertThat(entries).singleElement().asString().startsWith("file:").endsWith("-not-linearizable.html");
            Files.deleteIfExists(Path.of(java.net.URI.create(entries.get(0))));
            List<FileEntry> files = results.allEvents().list().stream()
                    .flatMap(event -> event.getPayload(FileEntry.class).stream()).toList();
            assertThat(files).singleElement().satisfies(file -> {
                assertThat(file.getPath().getFileName()).hasToString("history.html");
                assertThat(file.getMediaType()).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
                assertThat(Files.readString(file.getPath())).contains("<svg", "NOT linearizable");
            });
        } finally {
            try (Stream<Path> all = Files.walk(reports)) {
                for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    /** Report files of the fixture go to a folder this test removes. */
    private record Folders(Path root) implements org.junit.platform.engine.OutputDirectoryCreator {

        @Override
        public Path getRootDirectory() {
            return root;
        }

        @Override
        public Path createOutputDirectory(org.junit.platform.engine.TestDescriptor descriptor) throws IOException {
            return Files.createDirectories(root.resolve(Integer.toHexString(descriptor.getUniqueId().hashCode())));
        }
    }

    @ExtendWith(NetnsExtension.class)
    static class StaleReadCase {

        @Test
        void staleRead() {
            History history = History.create();
            history.invoke(0, "write", 1).ok();
            history.invoke(0, "write", 2).ok();
            history.invoke(1, "read", null).ok(1);
            NetnsAssertions.assertThat(history).isLinearizable(Model.register());
        }
    }
}
