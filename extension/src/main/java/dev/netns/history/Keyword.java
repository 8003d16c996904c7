package dev.netns.history;

/** An EDN keyword such as {@code :timed-out}, as read from a Jepsen history. */
record Keyword(String name) {

    @Override
    public String toString() {
        return ":" + name;
    }
}
