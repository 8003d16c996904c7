package dev.netns.history;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads Jepsen's histories: EDN operation maps, or the lines {@code jepsen.util} logs. */
final class JepsenReader {

    private static final String LOG_MARK = "jepsen.util - ";
    private static final Keyword PROCESS = new Keyword("process");
    private static final Keyword TYPE = new Keyword("type");
    private static final Keyword F = new Keyword("f");
    private static final Keyword VALUE = new Keyword("value");
    private static final Keyword KEY = new Keyword("key");
    private static final Keyword TIME = new Keyword("time");

    private final History history = History.create();
    private final Map<Integer, Operation> pending = new HashMap<>();
    private final Path file;

    private JepsenReader(Path file) {
        this.file = file;
    }

    static History read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        JepsenReader reader = new JepsenReader(file);
        if (text.contains(LOG_MARK)) {
            reader.readLog(text);
        } else {
            reader.readEdn(text);
        }
        return reader.history;
    }

    private void readEdn(String text) {
        Edn edn = new Edn(text);
        for (Object form : edn.readAll()) {
            if (form instanceof Map<?, ?> map) {
                add(map, edn.lineOf(map));
            } else if (form instanceof List<?> items) {
                for (Object item : items) {
                    if (!(item instanceof Map<?, ?> map)) {
                        throw new IllegalArgumentException(file + ": a history holds operation maps, not " + Values.show(item));
                    }
                    add(map, edn.lineOf(map));
                }
            } else {
                throw new IllegalArgumentException(file + ": a history holds operation maps, not " + Values.show(form));
            }
        }
    }

    /** {@code INFO  jepsen.util - 3	:invoke	:cas	[3 0]}: process, type, function, value. */
    private void readLog(String text) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int mark = lines[i].indexOf(LOG_MARK);
            if (mark < 0) {
                continue;
            }
            List<Object> forms = new Edn(lines[i].substring(mark + LOG_MARK.length())).readAll();
            if (forms.size() < 3) {
                continue; // a log line of another kind
            }
            Map<Object, Object> op = new HashMap<>();
            op.put(PROCESS, forms.get(0));
            op.put(TYPE, forms.get(1));
            op.put(F, forms.get(2));
            op.put(VALUE, forms.size() > 3 ? forms.get(forms.size() - 1) : null);
            add(op, i + 1);
        }
    }

    private void add(Map<?, ?> map, int line) {
        Object process = map.get(PROCESS);
        if (!(process instanceof Long number)) {
            return; // the nemesis, or another actor that is no client
        }
        int p = Math.toIntExact(number);
        String type = name(map.get(TYPE), line, "type");
        String function = name(map.get(F), line, "f");
        Object value = map.get(VALUE);
        long nanos = map.get(TIME) instanceof Long time ? time : Operation.NO_TIME;
        Operation.Outcome outcome;
        switch (type) {
            case "invoke" -> {
                Operation op = history.record(p, function, map.get(KEY), map.containsKey(KEY), value, nanos);
                op.lines(line, 0);
                pending.put(p, op); // a process that invokes again abandoned the earlier one: it stays unknown
                return;
            }
            case "ok" -> outcome = Operation.Outcome.OK;
            case "fail" -> outcome = Operation.Outcome.FAIL;
            case "info" -> outcome = Operation.Outcome.INFO;
            default -> throw new IllegalArgumentException(file + ", line " + line + ": unknown :type :" + type);
        }
        Operation op = pending.remove(p);
        if (op == null) {
            if (outcome == Operation.Outcome.INFO) {
                return; // a crash report with no operation in flight
            }
            throw new IllegalArgumentException(file + ", line " + line + ": :" + type + " for process " + p
                    + " with no :invoke before it");
        }
        if (!op.function().equals(function)) {
            throw new IllegalArgumentException(file + ", line " + line + ": process " + p + " completes :" + function
                    + " but invoked :" + op.function() + " " + op.where());
        }
        history.complete(op, outcome, outcome == Operation.Outcome.OK ? value : null, nanos);
        op.lines(0, line);
    }

    private String name(Object keyword, int line, String field) {
        if (keyword instanceof Keyword k) {
            return k.name();
        }
        if (keyword instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException(file + ", line " + line + ": :" + field + " should be a keyword, not "
                + Values.show(keyword));
    }
}
