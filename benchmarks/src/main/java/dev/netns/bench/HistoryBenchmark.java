package dev.netns.bench;

import dev.netns.history.CheckResult;
import dev.netns.history.History;
import dev.netns.history.Linearizability;
import dev.netns.history.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The linearizability checker on generated histories of 1k, 10k and 100k operations, next to a
 * peer checker run on the same files in the same run, written as a section of docs/benchmarks.md.
 *
 * <p>The peer is any program named by the environment variable {@value #PEER} that takes
 * {@code register|kv FILE}, checks that Jepsen EDN history and prints {@code ok|illegal|unknown
 * MILLISECONDS} (its own checking time, without reading the file); {@value #PEER_NAME} describes
 * it in the report. None is part of this repository; without it the table says that the peer
 * was not available.
 */
public final class HistoryBenchmark {

    /** Environment variable naming the peer checker's command. */
    static final String PEER = "HISTORY_BENCH_PEER";

    /** Environment variable describing the peer in the report (what it is, which version). */
    static final String PEER_NAME = "HISTORY_BENCH_PEER_NAME";

    /** Marks the start of the section in docs/benchmarks.md. */
    static final String START = "<!-- history-checker:start -->";

    /** Marks the end of the section in docs/benchmarks.md. */
    static final String END = "<!-- history-checker:end -->";

    private static final Duration BUDGET = Duration.ofSeconds(120);

    private record Case(HistoryGenerator.Kind kind, int operations, int processes, boolean linearizable) {

        String name() {
            return (kind == HistoryGenerator.Kind.REGISTER ? "cas-register" : "key-value") + "-" + operations + "-p" + processes
                    + (linearizable ? "-ok" : "-bad");
        }
    }

    private HistoryBenchmark() {
    }

    /**
     * Generates the histories, checks them, writes the section.
     *
     * @param args the Markdown file whose section to replace (optional), then a scale for the sizes (default 1)
     */
    public static void main(String[] args) throws Exception {
        Path output = args.length > 0 && !args[0].isBlank() ? Path.of(args[0]) : null;
        double scale = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        String section = run(scale);
        System.out.println(section);
        if (output != null) {
            replaceSection(output, section);
        }
    }

    static String run(double scale) throws Exception {
        Path folder = Path.of("benchmarks/target/histories");
        List<Case> cases = new ArrayList<>();
        // one register is checked as a whole: a few clients; key-value partitions per key take many more
        int[][] registerShapes = {{1_000, 5}, {10_000, 5}, {100_000, 10}};
        int[][] keyValueShapes = {{1_000, 10}, {10_000, 20}, {100_000, 50}};
        for (HistoryGenerator.Kind kind : HistoryGenerator.Kind.values()) {
            for (int[] shape : kind == HistoryGenerator.Kind.REGISTER ? registerShapes : keyValueShapes) {
                for (boolean linearizable : new boolean[] {true, false}) {
                    cases.add(new Case(kind, Math.max(200, (int) (shape[0] * scale)), shape[1], linearizable));
                }
            }
        }
        String peer = System.getenv(PEER);
        boolean peerHere = peer != null && !peer.isBlank();
        StringBuilder table = new StringBuilder();
        table.append("| history | operations | processes | expected | netns-junit | peer | netns-junit / peer |\n")
                .append("|---|---|---|---|---|---|---|\n");
        warmUp(folder);
        for (Case c : cases) {
            Path file = folder.resolve(c.name() + ".edn");
            HistoryGenerator.write(file, c.kind, c.operations, c.processes, c.linearizable, 0, 42 + c.operations + c.processes);
            Model model = c.kind == HistoryGenerator.Kind.REGISTER ? Model.casRegister() : Model.keyValue();
            History history = History.readJepsen(file);
            int runs = c.operations >= 100_000 ? 3 : 5;
            double[] ours = new double[runs];
            String verdict = null;
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                CheckResult result = Linearizability.check(history, model, BUDGET);
                ours[i] = (System.nanoTime() - start) / 1e6;
                verdict = result.unknown() ? "unknown" : result.linearizable() ? "ok" : "illegal";
            }
            String expected = c.linearizable ? "ok" : "illegal";
            String peerCell = "not available";
            String ratio = "-";
            if (peerHere) {
                double[] theirs = new double[runs];
                String peerVerdict = null;
                for (int i = 0; i < runs; i++) {
                    String[] answer = runPeer(peer, c.kind == HistoryGenerator.Kind.REGISTER ? "register" : "kv", file);
                    peerVerdict = answer[0];
                    theirs[i] = Double.parseDouble(answer[1]);
                }
                peerCell = String.format("%s, %s ms", peerVerdict, ms(median(theirs)));
                ratio = peerVerdict.equals("unknown") ? "peer gave up (its budget)"
                        : String.format("%.2fx", median(ours) / median(theirs));
            }
            table.append("| ").append(c.name()).append(" | ").append(history.size()).append(" | ").append(c.processes).append(" | ")
                    .append(expected).append(" | ").append(verdict.equals(expected) ? "" : "**WRONG** ").append(verdict).append(", ")
                    .append(ms(median(ours))).append(" ms | ").append(peerCell).append(" | ").append(ratio).append(" |\n");
            System.err.println(c.name() + ": " + verdict + " " + ms(median(ours)) + " ms; peer " + peerCell);
        }
        return START + "\n## Linearizability checker\n\n"
                + "`Linearizability.check` on generated Jepsen histories (`HistoryGenerator`, seeded: clients of a correct "
                + "in-memory register or key-value map, every operation completed `:ok` or, for a cas whose comparison failed, "
                + "`:fail`; the `-bad` ones have one stale read in the middle), measured by `scripts/run-history-benchmark.sh` on " + LocalDate.now()
                + ", Java " + System.getProperty("java.version") + ". Checking time only (the file already read), median of "
                + "5 runs (3 for 100k operations), one thread.\n\n"
                + "Peer: " + (peerHere ? Objects.requireNonNullElse(System.getenv(PEER_NAME), "`" + peer + "`")
                        + ", run on the same files in the same run; its own timing of the check, median of the same number of runs."
                        : "**not available** in this run: set `" + PEER + "` to a checker command (see `HistoryBenchmark`).")
                + "\n\n" + table + "\n" + END + "\n";
    }

    /** The JIT compiles the checker on small histories first, so the first measured case is not penalised. */
    private static void warmUp(Path folder) throws IOException {
        Path file = folder.resolve("warm-up.edn");
        HistoryGenerator.write(file, HistoryGenerator.Kind.REGISTER, 2_000, 10, true, 0.01, 7);
        Path kv = folder.resolve("warm-up-kv.edn");
        HistoryGenerator.write(kv, HistoryGenerator.Kind.KEY_VALUE, 2_000, 10, false, 0.01, 7);
        for (int i = 0; i < 5; i++) {
            Linearizability.check(History.readJepsen(file), Model.casRegister(), BUDGET);
            Linearizability.check(History.readJepsen(kv), Model.keyValue(), BUDGET);
        }
    }

    private static String[] runPeer(String peer, String model, Path file) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(Arrays.asList(peer.trim().split("\\s+")));
        command.add(model);
        command.add(file.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("peer failed on " + file + ": " + output);
        }
        String[] words = output.split("\\s+");
        if (words.length != 2) {
            throw new IOException("peer printed '" + output + "', not '<verdict> <milliseconds>'");
        }
        return words;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String ms(double millis) {
        return millis >= 100 ? String.format("%.0f", millis) : millis >= 10 ? String.format("%.1f", millis) : String.format("%.2f", millis);
    }

    /** Replaces the marked section of {@code file}, or appends it. */
    static void replaceSection(Path file, String section) throws IOException {
        String text = Files.exists(file) ? Files.readString(file) : "";
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        if (start >= 0 && end > start) {
            text = text.substring(0, start) + section + text.substring(end + END.length()).replaceFirst("^\n", "");
        } else {
            text = text + (text.endsWith("\n\n") || text.isEmpty() ? "" : text.endsWith("\n") ? "\n" : "\n\n") + section;
        }
        Files.writeString(file, text);
    }

    /** The section in {@code text}, for a report that rewrites the rest of the file; empty when none. */
    static String sectionOf(String text) {
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        return start >= 0 && end > start ? text.substring(start, end + END.length()) + "\n" : "";
    }
}
