package dev.netns.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/** Draws a checked history as one HTML page with an inline SVG: a lane per process, a bar per operation. */
final class Picture {

    /** System property naming the folder pictures are written to. */
    static final String DIRECTORY_PROPERTY = "netns.history.dir";

    private static final int MOST = 600;
    private static final int AROUND = 120;
    private static final int STEP = 18;
    private static final int ROW = 24;
    private static final int LEFT = 90;
    private static final int TOP = 30;
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private Picture() {
    }

    static Path directory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "netns-junit", "histories");
    }

    static Path write(CheckResult result) {
        String verdict = result.linearizable() ? "linearizable" : result.unknown() ? "unknown" : "not-linearizable";
        Path folder = directory();
        Path file = folder.resolve("history-" + LocalDateTime.now().format(STAMP) + "-" + ProcessHandle.current().pid() + "-"
                + COUNTER.incrementAndGet() + "-" + verdict + ".html");
        try {
            Files.createDirectories(folder);
            Files.writeString(file, html(result), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the picture of a history to " + file, e);
        }
        return file;
    }

    static String html(CheckResult result) {
        Partition partition = result.partition();
        List<Operation> shown = new ArrayList<>();
        for (Operation op : result.operations()) {
            if (partition == null || !partition.keyed() || Values.same(Values.normalize(op.key()), partition.key())) {
                shown.add(op);
            }
        }
        List<Operation> prefix = partition == null ? List.of() : partition.prefix();
        Operation blocker = partition == null || result.unknown() ? null : partition.blocker();
        Set<Operation> refused = result.refused();
        int total = shown.size();
        int from = 0;
        int focus = blocker != null ? shown.indexOf(blocker) : prefix.isEmpty() ? -1 : shown.indexOf(prefix.get(prefix.size() - 1));
        if (focus >= 0 && shown.size() > AROUND * 2) {
            // a failure is read around where it happened: the operations just before the blocker and the few after
            int first = Math.max(0, focus - AROUND);
            for (Operation op : refused) {
                first = Math.max(0, Math.min(first, shown.indexOf(op) - AROUND / 4));
            }
            from = first;
            shown = new ArrayList<>(shown.subList(from, Math.min(shown.size(), Math.max(focus + AROUND / 3, from + AROUND))));
        } else if (shown.size() > MOST) {
            shown = new ArrayList<>(shown.subList(0, MOST));
        }
        Map<Operation, Integer> order = new HashMap<>();
        for (int i = 0; i < prefix.size(); i++) {
            order.put(prefix.get(i), i + 1);
        }

        TreeSet<Long> positions = new TreeSet<>();
        for (Operation op : shown) {
            positions.add(op.invokedAt());
            if (!open(op)) {
                positions.add(op.completedAt());
            }
        }
        Map<Long, Integer> column = new HashMap<>();
        for (long position : positions) {
            column.put(position, column.size());
        }
        int right = 6 + (column.size() + 2) * STEP;

        // a lane per process, with extra rows where one process has operations that overlap
        TreeMap<Integer, List<long[]>> rowsEnd = new TreeMap<>();
        Map<Operation, int[]> placed = new HashMap<>();
        for (Operation op : shown) {
            List<long[]> rows = rowsEnd.computeIfAbsent(op.process(), p -> new ArrayList<>());
            long end = open(op) ? Long.MAX_VALUE : op.completedAt();
            int row = 0;
            while (row < rows.size() && rows.get(row)[0] >= op.invokedAt()) {
                row++;
            }
            if (row == rows.size()) {
                rows.add(new long[] {end});
            } else {
                rows.get(row)[0] = end;
            }
            placed.put(op, new int[] {op.process(), row});
        }
        Map<Integer, Integer> laneTop = new HashMap<>();
        int y = TOP;
        for (Map.Entry<Integer, List<long[]>> lane : rowsEnd.entrySet()) {
            laneTop.put(lane.getKey(), y);
            y += lane.getValue().size() * ROW + 8;
        }
        int height = y + 10;

        long firstNanos = shown.isEmpty() ? 0 : shown.get(0).invokedNanos();
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(right + 20).append("\" height=\"").append(height)
                .append("\" font-family=\"monospace\" font-size=\"11\">\n");
        StringBuilder labels = new StringBuilder();
        labels.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(LEFT).append("\" height=\"").append(height)
                .append("\" font-family=\"monospace\" font-size=\"11\">\n");
        boolean shade = false;
        for (Map.Entry<Integer, List<long[]>> lane : rowsEnd.entrySet()) {
            int top = laneTop.get(lane.getKey());
            int laneHeight = lane.getValue().size() * ROW + 8;
            for (StringBuilder side : List.of(svg, labels)) {
                if (shade) {
                    side.append("<rect x=\"0\" y=\"").append(top - 4).append("\" width=\"").append(side == labels ? LEFT : right + 20)
                            .append("\" height=\"").append(laneHeight).append("\" fill=\"#f6f6f9\"/>\n");
                }
            }
            shade = !shade;
            labels.append("<text x=\"6\" y=\"").append(top + 15).append("\">process ").append(lane.getKey()).append("</text>\n");
        }
        labels.append("</svg>\n");
        for (Operation op : shown) {
            int[] where = placed.get(op);
            int x1 = 6 + column.get(op.invokedAt()) * STEP;
            int x2 = open(op) ? right : 6 + column.get(op.completedAt()) * STEP + STEP / 2;
            int top = laneTop.get(where[0]) + where[1] * ROW;
            String kind = op == blocker ? "blocker" : refused.contains(op) ? "refused" : switch (op.outcome()) {
                case OK -> "ok";
                case FAIL -> "fail";
                default -> "info";
            };
            Integer rank = order.get(op);
            String label = (rank != null ? rank + ". " : "") + Describe.call(op);
            StringBuilder title = new StringBuilder("process ").append(op.process()).append(' ').append(Describe.call(op)).append(' ')
                    .append(op.where());
            if (op.outcome() == Operation.Outcome.INFO || op.outcome() == Operation.Outcome.PENDING) {
                title.append(", outcome unknown: may take effect any time after its invocation, or never");
            }
            if (op.outcome() == Operation.Outcome.FAIL) {
                title.append(", failed: never took effect");
            }
            if (op.invokedNanos() != Operation.NO_TIME && firstNanos != Operation.NO_TIME) {
                title.append(String.format(", invoked at +%.3f ms", (op.invokedNanos() - firstNanos) / 1e6));
                if (op.completedNanos() != Operation.NO_TIME) {
                    title.append(String.format(", took %.3f ms", (op.completedNanos() - op.invokedNanos()) / 1e6));
                }
            }
            if (rank != null) {
                title.append(", number ").append(rank).append(" of the longest linearizable prefix");
            }
            if (op == blocker) {
                title.append(": completed, yet no order of what came before lets it take effect");
            } else if (refused.contains(op)) {
                title.append(": cannot take effect after the prefix");
            }
            svg.append("<g class=\"").append(kind).append("\"><title>").append(escape(title.toString())).append("</title>")
                    .append("<rect x=\"").append(x1).append("\" y=\"").append(top).append("\" width=\"").append(Math.max(6, x2 - x1))
                    .append("\" height=\"").append(ROW - 6).append("\" rx=\"4\"/>");
            int room = Math.max(0, (x2 - x1 - 6) / 7);
            boolean marked = kind.equals("blocker") || kind.equals("refused");
            String text = marked || label.length() <= room ? label : room > 2 ? label.substring(0, room - 1) + "…" : "";
            if (!text.isEmpty()) {
                svg.append("<text x=\"").append(x1 + 4).append("\" y=\"").append(top + 13).append("\">").append(escape(text)).append("</text>");
            }
            svg.append("</g>\n");
        }
        svg.append("</svg>\n");

        String verdict = result.linearizable() ? "linearizable" : result.unknown() ? "unknown (budget exhausted)" : "NOT linearizable";
        StringBuilder page = new StringBuilder();
        page.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>History: ").append(verdict).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:16px}pre{background:#f4f4f4;padding:8px;white-space:pre-wrap}\n")
                .append(".ok rect{fill:#d6ecd2;stroke:#3d8a35}.info rect{fill:#eeeeee;stroke:#888;stroke-dasharray:4 3}\n")
                .append(".fail rect{fill:#fafafa;stroke:#bbb}.fail text{fill:#999;text-decoration:line-through}\n")
                .append(".refused rect{fill:#fbd0d0;stroke:#c62828}.blocker rect{fill:#f28b82;stroke:#b71c1c;stroke-width:3}\n")
                .append(".legend span{display:inline-block;padding:2px 8px;margin-right:6px;border:1px solid #888;border-radius:4px}\n")
                .append(".scroll{overflow-x:auto;border-left:1px solid #ccc;flex:1}\n</style></head><body>\n");
        page.append("<h2>History: ").append(verdict).append(" (").append(escape(result.model().toString())).append(" model")
                .append(partition != null && partition.keyed() ? ", key " + escape(Values.show(partition.key())) : "")
                .append(")</h2>\n");
        page.append("<pre>").append(escape(result.explanation())).append("</pre>\n");
        page.append("<p class=\"legend\"><span style=\"background:#d6ecd2\">ok</span><span style=\"background:#eee;border-style:dashed\">"
                + "unknown outcome (info)</span><span style=\"color:#999\">failed</span><span style=\"background:#f28b82\">"
                + "completed but cannot be ordered</span><span style=\"background:#fbd0d0\">cannot come next</span> "
                + "Numbers: the order of the longest linearizable prefix. Time runs left to right in event order; "
                + "hover a bar for details.</p>\n");
        if (total > shown.size()) {
            page.append("<p>Showing operations ").append(from + 1).append(" to ").append(from + shown.size()).append(" of ").append(total)
                    .append(".</p>\n");
        }
        page.append("<div style=\"display:flex\"><div>\n").append(labels).append("</div><div class=\"scroll\">\n").append(svg)
                .append("</div></div>\n</body></html>\n");
        return page.toString();
    }

    /** An unknown outcome may take effect any time after its invocation: its bar runs to the right edge. */
    private static boolean open(Operation op) {
        return op.outcome() == Operation.Outcome.INFO || op.outcome() == Operation.Outcome.PENDING;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
