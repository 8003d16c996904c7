package dev.netns.history;

import java.util.List;
import java.util.Set;

/**
 * The sequential specification a history is checked against: what one correct copy of the
 * object, applying the operations one at a time, would answer.
 *
 * <table>
 * <caption>Models and the functions they accept</caption>
 * <tr><th>model</th><th>functions</th><th>fits</th></tr>
 * <tr><td>{@link #register()}</td><td>{@code read}, {@code write}</td><td>one value: a ZooKeeper node's data, an etcd key</td></tr>
 * <tr><td>{@link #casRegister()}</td><td>{@code read}, {@code write}, {@code cas [from to]}</td><td>the same with compare-and-set (ZooKeeper's versioned setData, etcd transactions)</td></tr>
 * <tr><td>{@link #keyValue()}</td><td>{@code get}, {@code put}, {@code append} per key</td><td>a map of string values (Redis, a KV store); each key is checked on its own</td></tr>
 * </table>
 */
public final class Model {

    /** What {@link #step} answers when the operation cannot take effect in that state. */
    static final Object ILLEGAL = new Object();

    private final String name;
    private final Set<String> functions;
    private final boolean perKey;
    private final Object initial;

    private Model(String name, Set<String> functions, boolean perKey, Object initial) {
        this.name = name;
        this.functions = functions;
        this.perKey = perKey;
        this.initial = initial;
    }

    /**
     * A read/write register that starts as {@code null} (Jepsen's nil): {@code read} (its result,
     * given to {@code ok(result)}, must be the latest value written) and {@code write value}.
     */
    public static Model register() {
        return new Model("register", Set.of("read", "write"), false, null);
    }

    /**
     * A register with compare-and-set: {@code read}, {@code write value}, and {@code cas} with the
     * value {@code List.of(from, to)}, which sets {@code to} when the register holds {@code from}.
     * A cas whose comparison failed is recorded with {@code fail()}. Starts as {@code null}.
     */
    public static Model casRegister() {
        return new Model("cas-register", Set.of("read", "write", "cas"), false, null);
    }

    /**
     * Independent string registers, one per key: {@code get} (its result is the key's string; an
     * unwritten key reads as {@code ""}), {@code put value} and {@code append value}
     * (concatenates). Each key is checked apart from the others (P-compositionality).
     */
    public static Model keyValue() {
        return new Model("key-value", Set.of("get", "put", "append"), true, "");
    }

    boolean perKey() {
        return perKey;
    }

    Object initial() {
        return initial;
    }

    /** Throws when this model cannot apply the operation at all (unknown function, bad cas value). */
    void validate(Operation op) {
        if (!functions.contains(op.function())) {
            throw new IllegalArgumentException("The " + name + " model knows " + functions.stream().sorted().toList()
                    + ", not '" + op.function() + "': " + op);
        }
        if (op.function().equals("cas") && !(Values.normalize(op.value()) instanceof List<?> pair && pair.size() == 2)) {
            throw new IllegalArgumentException("A cas takes List.of(from, to) as its value: " + op);
        }
        if (perKey && !op.hasKey()) {
            throw new IllegalArgumentException("The " + name + " model needs a key: invoke(process, function, key, value): " + op);
        }
    }

    /** True for operations that never change the state (reads): their unknown outcomes can be dropped. */
    boolean readOnly(String function) {
        return function.equals("read") || function.equals("get");
    }

    /**
     * The operations of unknown outcome that nothing could have seen: a write or cas whose value
     * no read returned and no cas compared against, a put or append whose text no get contains. Dropping them keeps the verdict (in any legal order they can be taken out: no
     * definite operation comes between them and the next overwrite that could tell), and each one
     * kept doubles the states to explore.
     */
    Set<Op> invisible(List<Op> ops) {
        Set<Object> seen = new java.util.HashSet<>();
        List<String> texts = new java.util.ArrayList<>();
        for (Op op : ops) {
            if (op.function().equals("cas")) {
                seen.add(((List<?>) op.value()).get(0)); // an unknown cas may need it as much as a definite one
            } else if (op.definite() && op.function().equals("read")) {
                seen.add(op.result());
            } else if (op.definite() && op.function().equals("get")) {
                texts.add(Values.text(op.result()));
            }
        }
        Set<Op> invisible = new java.util.HashSet<>();
        for (Op op : ops) {
            if (op.definite()) {
                continue;
            }
            boolean hidden = switch (op.function()) {
                case "write" -> !seen.contains(op.value());
                case "cas" -> !seen.contains(((List<?>) op.value()).get(1));
                case "put", "append" -> {
                    String text = Values.text(op.value());
                    yield !text.isEmpty() && texts.stream().noneMatch(get -> get.contains(text));
                }
                default -> false;
            };
            if (hidden) {
                invisible.add(op);
            }
        }
        return invisible;
    }

    /** The state after {@code op} took effect in {@code state}, or {@link #ILLEGAL}. */
    Object step(Object state, Op op) {
        switch (op.function()) {
            case "write":
                return op.value();
            case "read":
                return Values.same(state, op.result()) ? state : ILLEGAL;
            case "cas":
                List<?> pair = (List<?>) op.value();
                return Values.same(state, pair.get(0)) ? pair.get(1) : ILLEGAL;
            case "put":
                return Values.text(op.value());
            case "append":
                return state + Values.text(op.value());
            case "get":
                return state.equals(Values.text(op.result())) ? state : ILLEGAL;
            default:
                throw new IllegalArgumentException("not a function of the " + name + " model: " + op.function());
        }
    }

    /** {@code the register holds 3}, {@code key "k" holds "x 0 0 y"}. */
    String describeState(Object state, Object key, boolean keyed) {
        return (keyed ? "key " + Values.show(key) : "the register") + " holds " + Values.show(state);
    }

    /** {@code cas-register}. */
    @Override
    public String toString() {
        return name;
    }
}
