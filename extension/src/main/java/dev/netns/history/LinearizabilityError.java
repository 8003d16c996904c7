package dev.netns.history;

import java.nio.file.Path;

/**
 * The failure of an assertion that a history is linearizable (thrown by
 * {@code NetnsAssertions.assertThat(history).isLinearizable(model)}): its message is the
 * explanation and the path of the picture, and it keeps the whole {@link CheckResult}, so a test
 * runner or a report can attach the picture.
 */
public class LinearizabilityError extends AssertionError {

    private static final long serialVersionUID = 1L;

    private final transient CheckResult result;
    private final String picture;

    /** A failure with {@code message}, about {@code result}, whose picture was written to {@code picture}. */
    public LinearizabilityError(String message, CheckResult result, Path picture) {
        super(message);
        this.result = result;
        this.picture = picture == null ? null : picture.toString();
    }

    /** The verdict that failed the assertion (null after deserialization). */
    public CheckResult result() {
        return result;
    }

    /** The picture of the history, or null when it could not be written. */
    public Path picture() {
        return picture == null ? null : Path.of(picture);
    }
}
