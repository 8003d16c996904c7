package dev.netns.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Just enough EDN for Jepsen histories: maps, vectors, lists, sets, strings, characters,
 * numbers, keywords, {@code nil}/{@code true}/{@code false}, symbols (kept as strings),
 * comments, {@code #_} discards and tagged values (the tag is dropped). Commas are whitespace.
 */
final class Edn {

    private final String text;
    private int at;
    private int line = 1;
    private final Map<Object, Integer> lines = new IdentityHashMap<>();

    Edn(String text) {
        this.text = text;
    }

    /** Every top-level form. */
    List<Object> readAll() {
        List<Object> forms = new ArrayList<>();
        while (skipSpace()) {
            forms.add(read());
        }
        return forms;
    }

    /** The line a map read by this reader started on. */
    int lineOf(Object map) {
        return lines.getOrDefault(map, 0);
    }

    private boolean skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '\n') {
                line++;
                at++;
            } else if (Character.isWhitespace(c) || c == ',') {
                at++;
            } else if (c == ';') {
                while (at < text.length() && text.charAt(at) != '\n') {
                    at++;
                }
            } else {
                return true;
            }
        }
        return false;
    }

    private Object read() {
        if (!skipSpace()) {
            throw error("unexpected end of input");
        }
        char c = text.charAt(at);
        int startLine = line;
        switch (c) {
            case '{': {
                at++;
                List<Object> items = readUntil('}');
                if (items.size() % 2 != 0) {
                    throw error("a map needs an even number of forms");
                }
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < items.size(); i += 2) {
                    map.put(items.get(i), items.get(i + 1));
                }
                lines.put(map, startLine);
                return map;
            }
            case '[':
                at++;
                return Collections.unmodifiableList(readUntil(']'));
            case '(':
                at++;
                return Collections.unmodifiableList(readUntil(')'));
            case '"':
                return readString();
            case '\\':
                return readCharacter();
            case '#':
                return readDispatch();
            case ':':
                at++;
                return new Keyword(token());
            case '}':
            case ']':
            case ')':
                throw error("unbalanced '" + c + "'");
            default:
                return atom(token());
        }
    }

    private List<Object> readUntil(char close) {
        List<Object> items = new ArrayList<>();
        while (true) {
            if (!skipSpace()) {
                throw error("missing '" + close + "'");
            }
            if (text.charAt(at) == close) {
                at++;
                return items;
            }
            Object item = read();
            if (item != DISCARDED) {
                items.add(item);
            }
        }
    }

    private static final Object DISCARDED = new Object();

    private Object readDispatch() {
        at++;
        if (at >= text.length()) {
            throw error("'#' at end of input");
        }
        char c = text.charAt(at);
        if (c == '{') {
            at++;
            return Collections.unmodifiableSet(new LinkedHashSet<>(readUntil('}')));
        }
        if (c == '_') {
            at++;
            read();
            return DISCARDED;
        }
        token(); // a tag such as #inst or #uuid: keep the value it tags
        return read();
    }

    private String readString() {
        StringBuilder out = new StringBuilder();
        at++;
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\n') {
                line++;
            }
            if (c == '\\' && at < text.length()) {
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> out.append(escaped);
                }
            } else {
                out.append(c);
            }
        }
        throw error("unterminated string");
    }

    private Object readCharacter() {
        at++;
        String name = token();
        return switch (name) {
            case "newline" -> '\n';
            case "space" -> ' ';
            case "tab" -> '\t';
            default -> name.isEmpty() ? text.charAt(at++) : name.charAt(0);
        };
    }

    private String token() {
        int start = at;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (Character.isWhitespace(c) || c == ',' || "{}[]()\";".indexOf(c) >= 0) {
                break;
            }
            at++;
        }
        return text.substring(start, at);
    }

    private Object atom(String token) {
        switch (token) {
            case "nil":
                return null;
            case "true":
                return Boolean.TRUE;
            case "false":
                return Boolean.FALSE;
            default:
                break;
        }
        char first = token.charAt(0);
        if (Character.isDigit(first) || (token.length() > 1 && (first == '-' || first == '+') && Character.isDigit(token.charAt(1)))) {
            String number = token.endsWith("N") || token.endsWith("M") ? token.substring(0, token.length() - 1) : token;
            try {
                if (number.matches("[-+]?\\d+")) {
                    return Values.normalize(new java.math.BigInteger(number));
                }
                return Double.parseDouble(number);
            } catch (NumberFormatException e) {
                throw error("not a number: " + token);
            }
        }
        return token; // a symbol
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException("EDN, line " + line + ": " + message);
    }
}
