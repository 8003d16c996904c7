package dev.netns.history;

import java.util.List;

/** Operations as people write them: {@code write(3)}, {@code read() -> 3}, {@code append("k", "x")}. */
final class Describe {

    private Describe() {
    }

    static String call(Operation op) {
        return call(op.function(), op.hasKey(), op.key(), op.value(), op.outcome(), op.result());
    }

    static String call(String function, boolean keyed, Object key, Object value, Operation.Outcome outcome, Object result) {
        StringBuilder out = new StringBuilder(function).append('(');
        if (keyed) {
            out.append(Values.show(key));
        }
        boolean reads = function.equals("read") || function.equals("get");
        if (!reads) {
            if (keyed) {
                out.append(", ");
            }
            if (function.equals("cas") && value instanceof List<?> pair && pair.size() == 2) {
                out.append(Values.show(pair.get(0))).append(", ").append(Values.show(pair.get(1)));
            } else {
                out.append(Values.show(value));
            }
        }
        out.append(')');
        if (reads) {
            switch (outcome) {
                case OK -> out.append(" -> ").append(Values.show(result));
                case INFO, PENDING -> out.append(" -> ?");
                case FAIL -> out.append(" failed");
            }
        } else if (outcome == Operation.Outcome.FAIL) {
            out.append(" failed");
        } else if (outcome != Operation.Outcome.OK) {
            out.append(" -> ?");
        }
        return out.toString();
    }
}
