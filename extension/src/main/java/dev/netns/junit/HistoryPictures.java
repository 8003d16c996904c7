package dev.netns.junit;

import dev.netns.history.LinearizabilityError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * When a test failed because a history was not linearizable, puts the picture of that history in
 * the test's report: a report entry with its path, and a copy of the file where JUnit can attach one.
 */
final class HistoryPictures {

    private HistoryPictures() {
    }

    static void attach(ExtensionContext context, Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>();
        todo.add(failure);
        int attached = 0;
        while (!todo.isEmpty() && seen.size() < 50) {
            Throwable next = todo.poll();
            if (!seen.add(next)) {
                continue;
            }
            if (next instanceof LinearizabilityError error && error.picture() != null && Files.isRegularFile(error.picture())) {
                Path picture = error.picture();
                String name = attached++ == 0 ? "history.html" : "history-" + attached + ".html";
                context.publishReportEntry("netns.history.picture", picture.toUri().toString());
                ReportFile.attachHtml(context, name, picture);
            }
            if (next.getCause() != null) {
                todo.add(next.getCause());
            }
            Collections.addAll(todo, next.getSuppressed());
        }
    }
}
