package dev.netns.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Writes seeded Jepsen histories (EDN, one map a line) of clients working on a correct,
 * in-memory object: every operation takes effect at one instant inside its interval, so the
 * history is linearizable; the broken variant changes one read in the middle to a value that
 * was overwritten before the read began (a stale read), so it is not.
 *
 * <p>Register histories use {@code read}, {@code write} and {@code cas} (failed comparisons
 * recorded as {@code :fail}); key-value ones {@code get}, {@code put} and {@code append} on 10
 * keys. A given share of the updates time out ({@code :info}); half of those took effect. A
 * process whose operation timed out goes on as a new process, as Jepsen's do.
 */
final class HistoryGenerator {

    /** The kind of object the clients use. */
    enum Kind { REGISTER, KEY_VALUE }

    private record Event(double time, int order, String line) {
    }

    private record Done(double invoked, double completed, Object value) {
    }

    private HistoryGenerator() {
    }

    static void write(Path file, Kind kind, int operations, int processes, boolean linearizable, double timeouts, long seed)
            throws IOException {
        Random random = new Random(seed);
        List<Event> events = new ArrayList<>();
        PriorityQueue<double[]> effects = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
        // each client: the time it is free again, and its current process number
        double[] free = new double[processes];
        int[] process = new int[processes];
        for (int c = 0; c < processes; c++) {
            process[c] = c;
            free[c] = random.nextDouble();
        }
        List<Object[]> ops = new ArrayList<>(); // {client, process, f, key, value, invoke, effect, complete, info}
        for (int i = 0; i < operations; i++) {
            int client = random.nextInt(processes);
            double invoke = free[client] + random.nextDouble() * 2;
            double effect = invoke + random.nextDouble() * processes / 4.0;
            double complete = effect + random.nextDouble() * processes / 4.0;
            free[client] = complete;
            String key = kind == Kind.KEY_VALUE ? String.valueOf(random.nextInt(10)) : null;
            double roll = random.nextDouble();
            String f;
            if (kind == Kind.REGISTER) {
                f = roll < 0.5 ? "read" : roll < 0.8 ? "write" : "cas";
            } else {
                f = roll < 0.5 ? "get" : roll < 0.75 ? "put" : "append";
            }
            boolean info = !f.equals("read") && !f.equals("get") && random.nextDouble() < timeouts;
            ops.add(new Object[] {client, process[client], f, key, null, invoke, effect, complete, info});
            if (info) {
                process[client] += processes;
            }
            effects.add(new double[] {effect, i});
        }
        // apply every operation at its instant, in time order, to the correct object
        Map<String, Object> state = new HashMap<>();
        int next = 0;
        List<Done> writes = new ArrayList<>();
        List<Integer> reads = new ArrayList<>();
        while (!effects.isEmpty()) {
            int i = (int) effects.poll()[1];
            Object[] op = ops.get(i);
            String f = (String) op[2];
            String key = op[3] == null ? "r" : (String) op[3];
            boolean info = (Boolean) op[8];
            boolean happens = !info || random.nextBoolean();
            Object now = state.get(key);
            switch (f) {
                case "read" -> {
                    op[4] = now;
                    reads.add(i);
                }
                case "write" -> {
                    long value = ++next;
                    op[4] = value;
                    if (happens) {
                        state.put(key, value);
                    }
                    if (!info) { // an unknown write may take effect late: no witness for a stale read
                        writes.add(new Done((Double) op[5], (Double) op[7], value));
                    }
                }
                case "cas" -> {
                    long from = now != null && random.nextDouble() < 0.6 ? (Long) now : next - random.nextInt(3);
                    long to = ++next;
                    op[4] = List.of(from, to);
                    boolean swapped = happens && now != null && now.equals(from);
                    if (swapped) {
                        state.put(key, to);
                    } else if (!info) {
                        op[8] = "fail";
                    }
                }
                case "get" -> op[4] = now == null ? "" : now;
                case "put" -> {
                    String value = "p" + (++next) + " ";
                    op[4] = value;
                    if (happens) {
                        state.put(key, value);
                    }
                }
                default -> {
                    String value = "a" + (++next) + " ";
                    op[4] = value;
                    if (happens) {
                        state.put(key, (now == null ? "" : now) + value);
                    }
                }
            }
        }
        if (!linearizable) {
            breakOneRead(kind, ops, writes, reads, random);
        }
        for (int i = 0; i < ops.size(); i++) {
            Object[] op = ops.get(i);
            String f = (String) op[2];
            String key = op[3] == null ? "" : ", :key " + edn(op[3]);
            boolean reads1 = f.equals("read") || f.equals("get");
            String type = op[8] instanceof String ? "fail" : (Boolean.TRUE.equals(op[8]) ? "info" : "ok");
            String head = "{:process " + op[1] + ", :type ";
            events.add(new Event((Double) op[5], 2 * i, head + ":invoke, :f :" + f + key + ", :value "
                    + (reads1 ? "nil" : edn(op[4])) + "}"));
            events.add(new Event((Double) op[7], 2 * i + 1, head + ":" + type + ", :f :" + f + key + ", :value "
                    + (type.equals("info") && reads1 ? "nil" : edn(op[4])) + "}"));
        }
        Collections.sort(events, (a, b) -> a.time != b.time ? Double.compare(a.time, b.time) : Integer.compare(a.order, b.order));
        Files.createDirectories(file.getParent());
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Event event : events) {
                out.write(event.line);
                out.write('\n');
            }
        }
    }

    /** A read near the middle returns a value that another write replaced before the read began. */
    private static void breakOneRead(Kind kind, List<Object[]> ops, List<Done> writes, List<Integer> reads, Random random) {
        if (kind == Kind.KEY_VALUE) {
            for (int tries = 0; tries < ops.size(); tries++) {
                Object[] op = ops.get(ops.size() / 2 + tries % (ops.size() / 2));
                if (op[2].equals("get") && !"".equals(op[4])) {
                    op[4] = op[4] + "stale ";
                    return;
                }
            }
            throw new IllegalStateException("no get to break");
        }
        for (int r = reads.size() / 2; r < reads.size(); r++) {
            Object[] read = ops.get(reads.get(r));
            double invoked = (Double) read[5];
            for (int w2 = writes.size() - 1; w2 >= 1; w2--) {
                Done newer = writes.get(w2);
                if (newer.completed() >= invoked) {
                    continue;
                }
                for (int w = w2 - 1; w >= 0 && w >= w2 - 20; w--) {
                    Done older = writes.get(w);
                    if (older.completed() < newer.invoked()) {
                        read[4] = older.value();
                        return;
                    }
                }
            }
        }
        throw new IllegalStateException("no read to break");
    }

    private static String edn(Object value) {
        if (value == null) {
            return "nil";
        }
        if (value instanceof String text) {
            return '"' + text + '"';
        }
        if (value instanceof List<?> list) {
            return "[" + list.get(0) + " " + list.get(1) + "]";
        }
        return value.toString();
    }
}
