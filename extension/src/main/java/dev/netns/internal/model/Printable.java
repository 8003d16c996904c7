package dev.netns.internal.model;

/** Makes user input safe to quote in a one-line message: control characters are shown escaped. */
public final class Printable {

    private Printable() {
    }

    /** {@code text} with newlines, tabs and other control characters written as {@code \n}, {@code \t}, {@code \u0007}. */
    public static String of(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder printable = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\n' -> printable.append("\\n");
                case '\r' -> printable.append("\\r");
                case '\t' -> printable.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        printable.append(String.format("\\u%04x", (int) c));
                    } else {
                        printable.append(c);
                    }
                }
            }
        }
        return printable.toString();
    }
}
