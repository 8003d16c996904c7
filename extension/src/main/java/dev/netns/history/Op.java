package dev.netns.history;

/**
 * An operation as the checker sees it: values normalized, the completion of an unknown outcome
 * at infinity ({@code definite} false).
 */
record Op(Operation source, String function, Object key, Object value, Object result, boolean definite,
        long invoked, long completed) {

    static Op of(Operation source, Operation.Outcome outcome, Object result, long completed) {
        boolean definite = outcome == Operation.Outcome.OK;
        return new Op(source, source.function(), Values.normalize(source.key()), Values.normalize(source.value()),
                definite ? Values.normalize(result) : null, definite, source.invokedAt(),
                definite ? completed : Long.MAX_VALUE);
    }

    String describe() {
        return "process " + source.process() + " " + Describe.call(function, source.hasKey(), key, value,
                definite ? Operation.Outcome.OK : Operation.Outcome.INFO, result);
    }
}
