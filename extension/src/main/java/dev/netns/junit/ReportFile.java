package dev.netns.junit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.MediaType;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Attaches a text file to a test's report where the user's JUnit can ({@code publishFile} with
 * {@link MediaType}, JUnit 5.14 and 6); on an older JUnit the report entry and the log carry the
 * text alone. Kept in its own class so that an older JUnit never has to load {@code MediaType}.
 */
final class ReportFile {

    private static final System.Logger LOG = System.getLogger(ReportFile.class.getName());

    private ReportFile() {
    }

    static void attach(ExtensionContext context, String name, String text) {
        try {
            context.publishFile(name, MediaType.TEXT_PLAIN_UTF_8, file -> Files.write(file,
                    text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS));
        } catch (RuntimeException | LinkageError e) {
            // file outputs switched off, a file already there (never followed if it is a link), or an older JUnit
            LOG.log(System.Logger.Level.DEBUG, name + " not attached: " + e);
        }
    }

    /** Attaches a copy of {@code source}, an HTML page, where the user's JUnit can. */
    static void attachHtml(ExtensionContext context, String name, Path source) {
        try {
            context.publishFile(name, MediaType.create("text", "html", StandardCharsets.UTF_8),
                    file -> Files.copy(source, file, LinkOption.NOFOLLOW_LINKS));
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, name + " not attached: " + e);
        }
    }
}
