package dev.netns.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The picture: one self-contained HTML page, a lane per process, the offending operations marked. */
class PictureTest {

    private final List<Path> written = new ArrayList<>();

    @AfterEach
    void removePictures() throws IOException {
        for (Path file : written) {
            Files.deleteIfExists(file);
        }
    }

    private String picture(CheckResult result) throws IOException {
        Path file = result.picture();
        written.add(file);
        assertThat(result.picture()).as("written once").isEqualTo(file);
        return Files.readString(file);
    }

    @Test
    void aFailureIsDrawnWithTheOffendingOperationsMarked() throws IOException {
        History history = History.create();
        history.invoke(0, "write", 1).ok();
        Operation unknown = history.invoke(1, "write", 7);
        history.invoke(2, "write", 2).ok();
        history.invoke(2, "read", null).ok(1); // stale: write(2) completed before it began
        history.invoke(0, "write", 5).fail();
        unknown.info();
        CheckResult result = Linearizability.check(history, Model.register());
        assertThat(result.linearizable()).isFalse();
        Path file = result.picture();
        // the build sets the folder (into target/); without it, the temporary folder's netns-junit/histories
        String configured = System.getProperty(Picture.DIRECTORY_PROPERTY);
        assertThat(file.getParent()).isEqualTo(configured != null ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "netns-junit", "histories"));
        assertThat(file.getFileName().toString()).endsWith("-not-linearizable.html");
        String html = picture(result);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg", "</svg>", "NOT linearizable")
                .contains(">process 0<", ">process 1<", ">process 2<")
                .contains("class=\"blocker\"", "read() -&gt; 1", "class=\"fail\"", "class=\"info\"", "class=\"ok\"")
                .contains("longest linearizable prefix");
        assertThat(html).doesNotContain("<script", "https:", "src=", "href=");
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http:");
    }

    @Test
    void everyResultHasAPicture() throws IOException {
        History history = History.create();
        history.invoke(0, "put", "k", "a").ok();
        history.invoke(1, "get", "k", null).ok("a");
        CheckResult result = Linearizability.check(history, Model.keyValue());
        assertThat(result.linearizable()).isTrue();
        assertThat(picture(result)).contains("History: linearizable", "put(&quot;k&quot;, &quot;a&quot;)");
    }

    @Test
    void aLongHistoryShowsAWindowAroundTheFailure() throws IOException {
        History history = History.create();
        for (int i = 0; i < 3000; i++) {
            history.invoke(i % 5, "write", i).ok();
        }
        history.invoke(1, "read", null).ok(-1);
        for (int i = 0; i < 10; i++) {
            history.invoke(i % 5, "write", i).ok();
        }
        CheckResult result = Linearizability.check(history, Model.register());
        String html = picture(result);
        assertThat(html).contains("Showing operations", "of 3011", "read() -&gt; -1");
        assertThat(html.length()).isLessThan(1_000_000);
    }
}
