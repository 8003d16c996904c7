package dev.netns.internal.traffic;

import dev.netns.internal.system.Bpf;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import java.util.List;

/**
 * A {@link LossProgram} attached to one interface's egress through a {@code tcx} link: its maps,
 * the program and the link, held by file descriptors only (the kernel detaches and frees them
 * when they close, also when the JVM dies). Open it on the namespace's thread.
 */
final class KernelLoss implements AutoCloseable {

    private final int flowsMap;
    private final int countersMap;
    private final int program;
    private final int link;
    private boolean closed;

    private KernelLoss(int flowsMap, int countersMap, int program, int link) {
        this.flowsMap = flowsMap;
        this.countersMap = countersMap;
        this.program = program;
        this.link = link;
    }

    /**
     * Attaches the loss of {@code rule} to {@code interfaceName}'s egress.
     *
     * @throws KernelException when this kernel or these privileges do not allow it (no CAP_BPF, no tcx)
     */
    static KernelLoss attach(String interfaceName, ShaperRule rule, String dropInterface) {
        int index = Libc.if_nametoindex(interfaceName);
        int drop = Libc.if_nametoindex(dropInterface);
        if (index == 0 || drop == 0) {
            throw new KernelException("attach loss to " + interfaceName, "no such interface");
        }
        int flows = Bpf.createMap(Bpf.MAP_LRU_HASH, 8, 8, ShapingDecisions.MAX_FLOWS, "njloss_flows");
        int counters = -1;
        int program = -1;
        try {
            counters = Bpf.createMap(Bpf.MAP_ARRAY, 4, 8, 2, "njloss_counts");
            byte[] code = LossProgram.of(rule.impairment(), rule.impairment().seed().orElse(0), flows, counters, drop);
            program = Bpf.loadProgram(Bpf.PROG_SCHED_CLS, code, "njloss");
            int link = Bpf.attach(program, index, Bpf.TCX_EGRESS);
            return new KernelLoss(flows, counters, program, link);
        } catch (KernelException e) {
            for (int fd : new int[] {program, counters, flows}) {
                if (fd >= 0) {
                    Libc.close(fd);
                }
            }
            throw e;
        }
    }

    /**
     * Loads the program for {@code rule} without attaching it, runs it once on each frame, and
     * says which it dropped: to check it against {@link ShapingDecisions} on this kernel.
     */
    static boolean[] trial(ShaperRule rule, List<byte[]> frames) {
        int flows = Bpf.createMap(Bpf.MAP_LRU_HASH, 8, 8, ShapingDecisions.MAX_FLOWS, "njloss_trial");
        int counters = Bpf.createMap(Bpf.MAP_ARRAY, 4, 8, 2, "njloss_trialc");
        int program = -1;
        try {
            program = Bpf.loadProgram(Bpf.PROG_SCHED_CLS,
                    LossProgram.of(rule.impairment(), rule.impairment().seed().orElse(0), flows, counters, 1), "njloss_trial");
            boolean[] dropped = new boolean[frames.size()];
            for (int i = 0; i < dropped.length; i++) {
                dropped[i] = Bpf.testRun(program, frames.get(i)) == LossProgram.TC_ACT_REDIRECT;
            }
            return dropped;
        } finally {
            for (int fd : new int[] {program, counters, flows}) {
                if (fd >= 0) {
                    Libc.close(fd);
                }
            }
        }
    }

    /** The frames the program decided on so far. */
    long frames() {
        return counter(0);
    }

    /** The frames it dropped so far. */
    long lost() {
        return counter(1);
    }

    private synchronized long counter(int index) {
        if (closed) {
            return 0;
        }
        try {
            return Bpf.lookupLong(countersMap, index);
        } catch (KernelException e) {
            return 0;
        }
    }

    /** Detaches the program and frees everything. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            for (int fd : new int[] {link, program, countersMap, flowsMap}) {
                Libc.close(fd);
            }
        }
    }
}
