package dev.netns.internal.program;

import dev.netns.internal.namespace.Reaper;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Class-data-sharing archives for child JVMs, made once per run: the first child JVM of a kind
 * (the same {@code java}, class path, JVM options and main class) writes an archive of the classes it loaded
 * when it exits ({@code -XX:ArchiveClassesAtExit}); every later one of that kind maps it
 * ({@code -XX:SharedArchiveFile}) instead of reading, parsing and verifying the same classes
 * again. The JVM archives classes from jars only, so the class path's folders are copied into
 * jars once, in their place (up to 64 MiB of them). The files live in the run's folder and go with it. A child that is
 * killed rather than stopped writes no archive; the next child of its kind tries again, twice at
 * most. {@value #PROPERTY} = {@code off} (or a JVM option of the user's own about class data
 * sharing) leaves child JVMs as they are.
 */
public final class ClassDataArchives {

    /** The configuration parameter (and system property): {@code on} (the default) or {@code off}. */
    public static final String PROPERTY = "netns.java.cds";

    private static volatile Boolean configured;

    private static final System.Logger LOG = System.getLogger(ClassDataArchives.class.getName());
    private static final int ATTEMPTS = 2;
    /** Folders on the class path bigger than this together are not copied (the run's folder may be in memory). */
    static final long MAX_FOLDER_BYTES = 64L << 20;
    /** The JVM's own lines about archives (classes it skips, a stale archive) are not the program's output. */
    private static final String QUIET = "-Xlog:cds*=off";
    private static final int KILLED = 128 + 9;
    private static final ClassDataArchives RUN = new ClassDataArchives(() -> Reaper.get().runFiles());

    /** How one child JVM starts: options to add in front of the user's, and the class path to give it. */
    record Launch(List<String> options, String classPath, Path training) {

        /** Starts a child JVM as the user wrote it. */
        static Launch plain(String classPath) {
            return new Launch(List.of(), classPath, null);
        }

        /** Whether this child writes the archive when it exits. */
        boolean trains() {
            return training != null;
        }
    }

    private enum State { NONE, TRAINING, READY, FAILED }

    private static final class Kind {
        State state = State.NONE;
        int attempts;
        String classPath;
        Path archive;
    }

    private final Supplier<Optional<Path>> folder;
    private final Map<String, Kind> kinds = new HashMap<>();

    ClassDataArchives(Supplier<Optional<Path>> folder) {
        this.folder = folder;
    }

    /** The archives of this run. */
    static ClassDataArchives ofRun() {
        return RUN;
    }

    /**
     * Sets archives on or off from a configuration value.
     *
     * @throws IllegalArgumentException for a value that is neither {@code on} nor {@code off}
     */
    public static void configure(String value) {
        configured = parse(value);
    }

    private static boolean parse(String value) {
        String mode = value.strip().toLowerCase(Locale.ROOT);
        if (!mode.equals("on") && !mode.equals("off")) {
            throw new IllegalArgumentException(PROPERTY + "='" + value + "' is not one of on, off");
        }
        return mode.equals("on");
    }

    /** Whether archives are on for child JVMs with these options (a system property set later wins). */
    static boolean applies(List<String> options) {
        String property = System.getProperty(PROPERTY);
        boolean on = property != null ? parse(property) : configured == null || configured;
        if (!on) {
            return false;
        }
        return options.stream().noneMatch(option -> option.startsWith("-Xshare") || option.startsWith("-XX:SharedArchiveFile")
                || option.startsWith("-XX:ArchiveClassesAtExit") || option.contains("AutoCreateSharedArchive")
                || option.startsWith("-XX:SharedClassListFile") || option.startsWith("-XX:DumpLoadedClassList")
                || option.startsWith("-XX:AOT"));
    }

    /** How the next child JVM of this kind starts. */
    synchronized Launch launch(String javaBinary, String classPath, List<String> options, String mainClass) {
        if (!applies(options)) {
            return Launch.plain(classPath);
        }
        Optional<Path> files = folder.get();
        if (files.isEmpty()) {
            return Launch.plain(classPath);
        }
        String key = key(javaBinary, classPath, options, mainClass);
        Kind kind = kinds.computeIfAbsent(key, ignored -> new Kind());
        switch (kind.state) {
            case READY:
                return new Launch(List.of("-XX:SharedArchiveFile=" + kind.archive, QUIET), kind.classPath, null);
            case NONE:
                try {
                    if (kind.classPath == null) {
                        kind.classPath = jarredFolders(files.get(), key, classPath);
                    }
                } catch (IOException e) {
                    kind.state = State.FAILED;
                    LOG.log(System.Logger.Level.INFO, "no class-data-sharing archive for child JVMs: cannot copy the "
                            + "class path's folders into jars (" + e.getMessage() + ")");
                    return Launch.plain(classPath);
                }
                kind.state = State.TRAINING;
                kind.attempts++;
                kind.archive = files.get().resolve("cds-" + key + ".jsa");
                Path training = files.get().resolve("cds-" + key + "-" + kind.attempts + ".training");
                return new Launch(List.of("-XX:ArchiveClassesAtExit=" + training, QUIET), kind.classPath, training);
            default:
                // TRAINING (another child writes it) or FAILED
                return Launch.plain(classPath);
        }
    }

    /**
     * The training child of {@code launch} exited with {@code exitCode}: its archive is ready
     * unless it was killed before it finished writing.
     */
    synchronized void trained(String javaBinary, String classPath, List<String> options, String mainClass, Launch launch,
            int exitCode) {
        Kind kind = kinds.get(key(javaBinary, classPath, options, mainClass));
        if (kind == null || kind.state != State.TRAINING) {
            return;
        }
        try {
            if (exitCode != KILLED && Files.size(launch.training()) > 0) {
                Files.move(launch.training(), kind.archive, StandardCopyOption.ATOMIC_MOVE);
                kind.state = State.READY;
                return;
            }
        } catch (IOException e) {
            // no archive written: try again below
        }
        try {
            Files.deleteIfExists(launch.training());
        } catch (IOException ignored) {
            // the run's folder goes with the run
        }
        kind.state = kind.attempts >= ATTEMPTS ? State.FAILED : State.NONE;
    }

    /** The class path with each folder replaced by a jar of its files (the JVM archives classes from jars only). */
    static String jarredFolders(Path files, String key, String classPath) throws IOException {
        List<String> entries = new ArrayList<>();
        long[] budget = {MAX_FOLDER_BYTES};
        int index = 0;
        for (String entry : classPath.split(File.pathSeparator, -1)) {
            Path path = Path.of(entry.isEmpty() ? "." : entry);
            if (Files.isDirectory(path)) {
                Path jar = files.resolve("cds-" + key + "-" + index++ + ".jar");
                jar(path, jar, budget);
                entries.add(jar.toString());
            } else {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void jar(Path folder, Path jar, long[] budget) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> paths = Files.walk(folder)) {
            for (Path path : (Iterable<Path>) paths.sorted()::iterator) {
                if (path.equals(folder)) {
                    continue;
                }
                String name = folder.relativize(path).toString().replace(File.separatorChar, '/');
                boolean directory = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
                if (!directory && !Files.isRegularFile(path)) {
                    continue;
                }
                out.putNextEntry(new JarEntry(directory ? name + "/" : name));
                if (!directory) {
                    budget[0] -= Files.size(path);
                    if (budget[0] < 0) {
                        throw new IOException("the class path's folders hold more than " + (MAX_FOLDER_BYTES >> 20) + " MiB");
                    }
                    Files.copy(path, out);
                }
                out.closeEntry();
            }
        }
    }

    private static String key(String javaBinary, String classPath, List<String> options, String mainClass) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((javaBinary + "\0" + classPath + "\0" + mainClass + "\0" + String.join("\0", options)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(), 0, 8).toLowerCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java", e);
        }
    }
}
