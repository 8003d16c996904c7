package dev.netns;

import dev.netns.internal.fault.Grudges;
import dev.netns.internal.program.RunningProgram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A kind of fault a {@link FaultSchedule} may pick; the schedule's seed picks its targets each
 * time. Each fault is healed before the next one is made.
 *
 * <pre>{@code
 * FaultSchedule schedule = FaultSchedule.builder().seed(42).every(Duration.ofSeconds(2))
 *         .faults(Fault.isolateOne("n1", "n2", "n3"), Fault.majoritiesRing("n1", "n2", "n3"),
 *                 Fault.pause(node1, node2), Fault.crash(node1, node2))
 *         .build();
 * }</pre>
 */
public final class Fault {

    private enum Kind { ISOLATE_ONE, HALVES, RING, IMPAIR, PAUSE, CRASH }

    private final Kind kind;
    private final List<String> nodes;
    private final List<Program> programs;
    private final Impairment impairment;

    private Fault(Kind kind, List<String> nodes, List<Program> programs) {
        this(kind, nodes, programs, null);
    }

    private Fault(Kind kind, List<String> nodes, List<Program> programs, Impairment impairment) {
        this.kind = kind;
        this.nodes = nodes;
        this.programs = programs;
        this.impairment = impairment;
    }

    /**
     * Cuts one of {@code nodes}, picked by the seed, from the others of {@code nodes} (both ways,
     * silently). Namespaces not named, e.g. the clients', still reach every node.
     */
    public static Fault isolateOne(String... nodes) {
        return new Fault(Kind.ISOLATE_ONE, names("isolateOne", 2, nodes), List.of());
    }

    /** Splits {@code nodes}, shuffled by the seed, into two halves that cannot talk to each other. */
    public static Fault partitionHalves(String... nodes) {
        return new Fault(Kind.HALVES, names("partitionHalves", 2, nodes), List.of());
    }

    /** A {@link Partition#majoritiesRing majorities ring} of {@code nodes} in an order drawn from the seed. */
    public static Fault majoritiesRing(String... nodes) {
        return new Fault(Kind.RING, names("majoritiesRing", 3, nodes), List.of());
    }

    /**
     * {@link Topology#impair(String, String, Impairment) Impairs} what {@code from} sends to
     * {@code to}; healed by {@link Topology#clearImpairment(String, String)}. The targets are fixed:
     * list several to let the seed pick among pairs.
     */
    public static Fault impair(String from, String to, Impairment impairment) {
        List<String> pair = names("impair", 2, from, to);
        if (impairment == null) {
            throw new NetnsException("Fault.impair(\"" + from + "\", \"" + to + "\", null): the impairment is null");
        }
        return new Fault(Kind.IMPAIR, pair, List.of(), impairment);
    }

    /** {@link Program#pause() Pauses} one of {@code programs}, picked by the seed; healed by resuming it. */
    public static Fault pause(Program... programs) {
        return new Fault(Kind.PAUSE, List.of(), programs("pause", programs));
    }

    /**
     * {@link Program#kill() Kills} one of {@code programs}, picked by the seed; healed by
     * {@link Program#restart() restarting} it. {@link FaultRun#current(Program)} gives the
     * program that runs now in place of one that was restarted.
     */
    public static Fault crash(Program... programs) {
        return new Fault(Kind.CRASH, List.of(), programs("crash", programs));
    }

    /** The programs this fault may pick, for the schedule that tracks restarts. */
    List<Program> programs() {
        return programs;
    }

    /**
     * Picks the targets with {@code random}. Pure: the same random state, the same choice.
     */
    Planned plan(Random random) {
        return switch (kind) {
            case ISOLATE_ONE -> {
                String node = nodes.get(random.nextInt(nodes.size()));
                List<String> others = new ArrayList<>(nodes);
                others.remove(node);
                Partition partition = Partition.groups(List.of(node), others);
                yield new Planned(this, "isolate " + node + " from " + String.join(", ", others), partition, -1);
            }
            case HALVES -> {
                List<List<String>> halves = Grudges.bisect(Grudges.shuffled(nodes, random.nextLong()));
                Partition partition = Partition.groups(halves.get(0), halves.get(1));
                yield new Planned(this, "partition halves " + halves.get(0) + " | " + halves.get(1), partition, -1);
            }
            case RING -> {
                List<String> ring = Grudges.shuffled(nodes, random.nextLong());
                Partition partition = Partition.majoritiesRing(ring.toArray(String[]::new));
                yield new Planned(this, "majorities ring " + String.join(", ", ring), partition, -1);
            }
            case IMPAIR -> {
                // an impairment without a seed of its own takes one from the schedule: the same losses replay too
                long seed = random.nextLong();
                Impairment seeded = impairment.seed().isPresent() ? impairment : impairment.withSeed(seed);
                yield new Planned(this, "impair " + nodes.get(0) + " -> " + nodes.get(1) + " with " + seeded, null, -1,
                        seeded);
            }
            case PAUSE, CRASH -> {
                int index = random.nextInt(programs.size());
                yield new Planned(this, (kind == Kind.PAUSE ? "pause " : "crash ") + label(index), null, index);
            }
        };
    }

    /** For an impairment: the sender, the receiver and what is done to their packets; else null. */
    List<String> impairedPair() {
        return kind == Kind.IMPAIR ? nodes : null;
    }

    /** Whether this fault acts on programs rather than on the network. */
    boolean onPrograms() {
        return kind == Kind.PAUSE || kind == Kind.CRASH;
    }

    /** Whether healing restarts the program (a crash) rather than resuming it. */
    boolean restarts() {
        return kind == Kind.CRASH;
    }

    /** The same in every run: the program's place in the list, its name and namespace (no pid). */
    String label(int index) {
        Program program = programs.get(index);
        String name = program instanceof RunningProgram running ? running.label() : "program";
        return "program " + (index + 1) + " of " + programs.size() + " (" + name + ")";
    }

    /**
     * One fault chosen with its targets.
     *
     * @param fault the kind it is
     * @param description what it does to whom, the same in every run with the same seed
     * @param partition the partition it makes, or null for a program fault
     * @param program the index of the program it acts on, or -1
     * @param impairment for an impairment: what is done, with its seed; else null
     */
    record Planned(Fault fault, String description, Partition partition, int program, Impairment impairment) {

        Planned(Fault fault, String description, Partition partition, int program) {
            this(fault, description, partition, program, null);
        }

        /** What healing it does, in words. */
        String healDescription() {
            if (partition != null || fault.impairedPair() != null) {
                return "heal " + description;
            }
            return (fault.restarts() ? "restart " : "resume ") + fault.label(program);
        }
    }

    private static List<String> names(String fault, int atLeast, String... nodes) {
        if (nodes == null || nodes.length < atLeast) {
            throw new NetnsException("Fault." + fault + " needs at least " + atLeast + " namespaces, got "
                    + (nodes == null ? "null" : Arrays.toString(nodes)));
        }
        List<String> list = new ArrayList<>();
        for (String node : nodes) {
            if (node == null || node.isBlank() || list.contains(node)) {
                throw new NetnsException("Fault." + fault + Arrays.toString(nodes) + ": a name is null, blank or named twice");
            }
            list.add(node);
        }
        return List.copyOf(list);
    }

    private static List<Program> programs(String fault, Program... programs) {
        if (programs == null || programs.length == 0 || Arrays.stream(programs).anyMatch(p -> p == null)) {
            throw new NetnsException("Fault." + fault + " needs at least one program, and no null");
        }
        return List.of(programs);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ISOLATE_ONE -> "isolateOne" + nodes;
            case HALVES -> "partitionHalves" + nodes;
            case RING -> "majoritiesRing" + nodes;
            case IMPAIR -> "impair(" + nodes.get(0) + " -> " + nodes.get(1) + ", " + impairment + ")";
            case PAUSE -> "pause(" + programs.size() + " programs)";
            case CRASH -> "crash(" + programs.size() + " programs)";
        };
    }
}
