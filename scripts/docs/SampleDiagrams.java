import dev.netns.junit.TopologyDiagrams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes docs/samples.md: every sample class with the diagram of its topology, drawn by
 * TopologyDiagrams from its annotations. Run by scripts/write-sample-diagrams.sh.
 */
public class SampleDiagrams {

    public static void main(String[] args) throws Exception {
        Path sources = Path.of("samples/src/test/java/dev/netns/samples");
        List<String> classes;
        try (Stream<Path> files = Files.list(sources)) {
            classes = files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith("Test.java"))
                    .map(name -> name.substring(0, name.length() - ".java".length())).sorted().toList();
        }
        StringBuilder page = new StringBuilder("""
                # Samples and their topologies

                Every test class in `samples/`, with the network its annotations declare, as
                `TopologyDiagrams.of(TheTest.class)` draws it (and `Topology.diagram()` once it runs).
                Written by `scripts/write-sample-diagrams.sh`; GitHub renders the diagrams.
                """);
        for (String name : classes) {
            Class<?> sample = Class.forName("dev.netns.samples." + name);
            String summary = javadocSummary(sources.resolve(name + ".java"));
            page.append("\n## ").append(name).append("\n\n").append(summary).append("\n\n");
            try {
                page.append("```mermaid\n").append(TopologyDiagrams.of(sample)).append("```\n");
            } catch (RuntimeException e) {
                page.append("(declared per method: ").append(e.getMessage()).append(")\n");
            }
        }
        Files.writeString(Path.of("docs/samples.md"), page.toString());
    }

    /** The first sentence of the class's Javadoc. */
    private static String javadocSummary(Path source) throws Exception {
        String text = Files.readString(source);
        int start = text.indexOf("/**");
        int end = text.indexOf("*/", start);
        if (start < 0 || end < 0) {
            return "";
        }
        String comment = text.substring(start + 3, end).replaceAll("(?m)^\\s*\\* ?", " ").replaceAll("\\s+", " ").strip();
        comment = comment.replaceAll("\\{@code ([^}]*)}", "`$1`");   // Javadoc's {@code x} is Markdown's `x`
        int period = comment.indexOf(". ");
        return period < 0 ? comment : comment.substring(0, period + 1);
    }
}
