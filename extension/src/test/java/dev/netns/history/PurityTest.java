package dev.netns.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The checker is plain Java: it imports the JDK only, so it runs anywhere, without root or JUnit. */
class PurityTest {

    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+);", Pattern.MULTILINE);

    @Test
    void theHistoryPackageImportsOnlyTheJdk() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/netns/history"))) {
            sources = files.filter(file -> file.toString().endsWith(".java")).toList();
        }
        assertThat(sources).hasSizeGreaterThan(5);
        for (Path source : sources) {
            Matcher imported = IMPORT.matcher(Files.readString(source));
            while (imported.find()) {
                assertThat(imported.group(1)).as("an import of %s", source.getFileName()).startsWith("java.");
            }
        }
    }
}
