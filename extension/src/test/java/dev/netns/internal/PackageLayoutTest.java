package dev.netns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rooms of {@code dev.netns.internal} and who may use whom, read from the sources' imports:
 * no cycle between the rooms, a pure model, a deployment that sees only the model and the seam.
 */
class PackageLayoutTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);

    /** Package to the packages its files import from (classes and static members alike). */
    private static Map<String, Set<String>> imports() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                String source = read(file);
                Matcher declared = PACKAGE.matcher(source);
                assertThat(declared.find()).as("package of %s", file).isTrue();
                Set<String> used = uses.computeIfAbsent(declared.group(1), key -> new TreeSet<>());
                Matcher imported = IMPORT.matcher(source);
                while (imported.find()) {
                    used.add(packageOf(imported.group(1)));
                }
            });
        }
        return uses;
    }

    /** {@code a.b.Outer} (an imported nested type or static member's class) is in {@code a.b}. */
    private static String packageOf(String qualified) {
        List<String> parts = new ArrayList<>(List.of(qualified.split("\\.")));
        while (!parts.isEmpty() && Character.isUpperCase(parts.get(parts.size() - 1).charAt(0))) {
            parts.remove(parts.size() - 1);
        }
        return String.join(".", parts);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> internalUses(Map<String, Set<String>> uses, String room) {
        Set<String> internal = new TreeSet<>();
        uses.getOrDefault("dev.netns.internal." + room, Set.of()).stream()
                .filter(used -> used.startsWith("dev.netns.internal.") && !used.equals("dev.netns.internal." + room))
                .forEach(used -> internal.add(used.substring("dev.netns.internal.".length())));
        return internal;
    }

    @Test
    void everyInternalFileLivesInARoom() throws IOException {
        assertThat(imports()).doesNotContainKey("dev.netns.internal");
    }

    @Test
    void noCycleBetweenTheRooms() throws IOException {
        Map<String, Set<String>> uses = imports();
        List<String> rooms = uses.keySet().stream().filter(name -> name.startsWith("dev.netns.internal."))
                .map(name -> name.substring("dev.netns.internal.".length())).toList();
        for (String room : rooms) {
            Set<String> reachable = new TreeSet<>();
            List<String> frontier = new ArrayList<>(internalUses(uses, room));
            while (!frontier.isEmpty()) {
                String next = frontier.remove(frontier.size() - 1);
                if (reachable.add(next)) {
                    frontier.addAll(internalUses(uses, next));
                }
            }
            assertThat(reachable).as("rooms reachable from %s", room).doesNotContain(room);
        }
    }

    @Test
    void theModelIsPure() throws IOException {
        Set<String> used = imports().get("dev.netns.internal.model");
        assertThat(used).allMatch(name -> name.startsWith("java.") || name.equals("dev.netns")
                || name.equals("dev.netns.internal.model"), "only the JDK, the public API and itself");
    }

    @Test
    void theDeploymentSeesOnlyTheModelAndTheSeam() throws IOException {
        assertThat(internalUses(imports(), "deploy")).containsOnly("model", "system");
        String deployment = read(SOURCES.resolve("dev/netns/internal/deploy/TopologyDeployment.java"))
                + read(SOURCES.resolve("dev/netns/internal/deploy/DeploymentPlan.java"));
        assertThat(deployment).doesNotContain("import dev.netns.internal.system.Libc", "import com.sun.jna");
    }
}
