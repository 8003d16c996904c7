package dev.netns.internal.fault;

import java.util.List;

/** A fault timeline as a Mermaid {@code gantt}: one bar per fault, from when it was made to when it was healed. Pure. */
public final class FaultGantt {

    /**
     * One fault that was made.
     *
     * @param lane the kind of fault, one section of the chart ({@code "network"}, {@code "processes"})
     * @param label what was done to whom
     * @param startMillis when it was made, from the start of the schedule
     * @param endMillis when it was healed, or -1 while it holds
     */
    public record Span(String lane, String label, long startMillis, long endMillis) {
    }

    private FaultGantt() {
    }

    /** The chart; a fault that still holds ends at {@code nowMillis}. */
    public static String render(List<Span> spans, long seed, long nowMillis) {
        StringBuilder chart = new StringBuilder("gantt\n")
                .append("    title Faults of the schedule with seed ").append(seed).append('\n')
                .append("    dateFormat x\n")
                .append("    axisFormat %M:%S\n");
        String lane = null;
        for (String section : spans.stream().map(Span::lane).distinct().toList()) {
            for (Span span : spans) {
                if (!span.lane().equals(section)) {
                    continue;
                }
                if (!section.equals(lane)) {
                    chart.append("    section ").append(section).append('\n');
                    lane = section;
                }
                long end = span.endMillis() < 0 ? nowMillis : span.endMillis();
                chart.append("    ").append(clean(span.label())).append(span.endMillis() < 0 ? " (holds)" : "")
                        .append(" : ").append(span.startMillis()).append(", ").append(Math.max(end, span.startMillis() + 1))
                        .append('\n');
            }
        }
        return chart.toString();
    }

    /** Mermaid reads {@code :}, {@code #} and {@code ;} in a task name as syntax. */
    private static String clean(String label) {
        return label.replace(':', ' ').replace('#', ' ').replace(';', ',');
    }
}
