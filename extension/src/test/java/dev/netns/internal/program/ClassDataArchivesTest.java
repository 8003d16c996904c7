package dev.netns.internal.program;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive bookkeeping, without a JVM started: which child trains, which maps, and the jarred class path. */
class ClassDataArchivesTest {

    @TempDir Path files;
    @TempDir Path classes;

    @Test
    void foldersOfTheClassPathBecomeJarsInTheirPlace() throws Exception {
        Files.createDirectories(classes.resolve("a/b"));
        Files.writeString(classes.resolve("a/b/C.class"), "bytes");
        Path jar = Files.writeString(files.resolve("lib.jar"), "a jar stays");
        String classPath = jar + File.pathSeparator + classes;

        String jarred = ClassDataArchives.jarredFolders(files, "k", classPath);

        List<String> entries = List.of(jarred.split(File.pathSeparator));
        assertThat(entries).hasSize(2).first().isEqualTo(jar.toString());
        assertThat(entries.get(1)).endsWith(".jar").startsWith(files.toString());
        try (JarFile made = new JarFile(entries.get(1))) {
            assertThat(made.getEntry("a/b/C.class")).isNotNull();
            assertThat(new String(made.getInputStream(made.getEntry("a/b/C.class")).readAllBytes())).isEqualTo("bytes");
        }
    }

    @Test
    void oneChildTrainsWhileOthersStartPlainThenAllMapTheArchive() throws Exception {
        ClassDataArchives archives = new ClassDataArchives(() -> Optional.of(files));
        List<String> options = List.of("-Xmx64m");
        ClassDataArchives.Launch training = archives.launch("java", classes.toString(), options, "Main");
        ClassDataArchives.Launch meanwhile = archives.launch("java", classes.toString(), options, "Main");
        ClassDataArchives.Launch otherMain = archives.launch("java", classes.toString(), options, "Other");

        assertThat(training.trains()).isTrue();
        assertThat(meanwhile.trains()).isFalse();
        assertThat(meanwhile.options()).isEmpty();
        assertThat(meanwhile.classPath()).isEqualTo(classes.toString());
        assertThat(otherMain.trains()).as("another main class loads other classes: an archive of its own").isTrue();

        Files.writeString(training.training(), "an archive");
        archives.trained("java", classes.toString(), options, "Main", training, 143);
        ClassDataArchives.Launch later = archives.launch("java", classes.toString(), options, "Main");
        assertThat(later.trains()).isFalse();
        assertThat(later.options()).anyMatch(option -> option.startsWith("-XX:SharedArchiveFile=" + files));
        assertThat(later.classPath()).isEqualTo(training.classPath()).isNotEqualTo(classes.toString());
    }

    @Test
    void aKilledTrainingIsTriedOnceMoreThenGivenUp() throws Exception {
        ClassDataArchives archives = new ClassDataArchives(() -> Optional.of(files));
        List<String> options = List.of();
        for (int attempt = 0; attempt < 2; attempt++) {
            ClassDataArchives.Launch training = archives.launch("java", classes.toString(), options, "Main");
            assertThat(training.trains()).isTrue();
            Files.writeString(training.training(), "half an archive");
            archives.trained("java", classes.toString(), options, "Main", training, 137);
            assertThat(training.training()).doesNotExist();
        }
        ClassDataArchives.Launch after = archives.launch("java", classes.toString(), options, "Main");
        assertThat(after.trains()).isFalse();
        assertThat(after.options()).isEmpty();
    }

    @Test
    void withoutARunFolderChildrenStartAsWritten() {
        ClassDataArchives archives = new ClassDataArchives(Optional::empty);
        ClassDataArchives.Launch launch = archives.launch("java", "cp", List.of(), "Main");
        assertThat(launch.trains()).isFalse();
        assertThat(launch.options()).isEmpty();
        assertThat(launch.classPath()).isEqualTo("cp");
    }
}
