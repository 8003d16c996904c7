package dev.netns.history;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** Values compared by the models: every whole number is a {@code Long}, every sequence a {@code List}. */
final class Values {

    private Values() {
    }

    static Object normalize(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big && big.bitLength() < 64) {
            return big.longValue();
        }
        if (value instanceof Collection<?> items && !(value instanceof java.util.Set)) {
            List<Object> list = new ArrayList<>(items.size());
            for (Object item : items) {
                list.add(normalize(item));
            }
            return Collections.unmodifiableList(list);
        }
        if (value instanceof Object[] items) {
            return normalize(List.of(items));
        }
        if (value instanceof int[] items) {
            List<Object> list = new ArrayList<>();
            for (int item : items) {
                list.add((long) item);
            }
            return Collections.unmodifiableList(list);
        }
        if (value instanceof long[] items) {
            List<Object> list = new ArrayList<>();
            for (long item : items) {
                list.add(item);
            }
            return Collections.unmodifiableList(list);
        }
        return value;
    }

    static boolean same(Object a, Object b) {
        return Objects.equals(a, b);
    }

    /** As Jepsen prints it: {@code nil}, {@code 3}, {@code "abc"}, {@code [1 2]}. */
    static String show(Object value) {
        if (value == null) {
            return "nil";
        }
        if (value instanceof CharSequence text) {
            return '"' + text.toString().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
        if (value instanceof Collection<?> items) {
            StringBuilder out = new StringBuilder("[");
            for (Object item : items) {
                out.append(out.length() > 1 ? " " : "").append(show(item));
            }
            return out.append(']').toString();
        }
        if (value instanceof Object[] || value instanceof int[] || value instanceof long[]) {
            return show(normalize(value));
        }
        return value.toString();
    }

    /** The text a key-value register holds for this value: an absent value is the empty string. */
    static String text(Object value) {
        return value == null ? "" : value instanceof CharSequence text ? text.toString() : show(value);
    }
}
