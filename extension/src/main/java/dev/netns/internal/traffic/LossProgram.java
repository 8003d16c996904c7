package dev.netns.internal.traffic;

import static dev.netns.internal.traffic.BpfAssembler.ADD;
import static dev.netns.internal.traffic.BpfAssembler.AND;
import static dev.netns.internal.traffic.BpfAssembler.B;
import static dev.netns.internal.traffic.BpfAssembler.DW;
import static dev.netns.internal.traffic.BpfAssembler.FP;
import static dev.netns.internal.traffic.BpfAssembler.JEQ;
import static dev.netns.internal.traffic.BpfAssembler.JGT;
import static dev.netns.internal.traffic.BpfAssembler.JLT;
import static dev.netns.internal.traffic.BpfAssembler.JNE;
import static dev.netns.internal.traffic.BpfAssembler.LSH;
import static dev.netns.internal.traffic.BpfAssembler.MOV;
import static dev.netns.internal.traffic.BpfAssembler.MUL;
import static dev.netns.internal.traffic.BpfAssembler.OR;
import static dev.netns.internal.traffic.BpfAssembler.R0;
import static dev.netns.internal.traffic.BpfAssembler.R1;
import static dev.netns.internal.traffic.BpfAssembler.R2;
import static dev.netns.internal.traffic.BpfAssembler.R3;
import static dev.netns.internal.traffic.BpfAssembler.R4;
import static dev.netns.internal.traffic.BpfAssembler.R5;
import static dev.netns.internal.traffic.BpfAssembler.R6;
import static dev.netns.internal.traffic.BpfAssembler.R7;
import static dev.netns.internal.traffic.BpfAssembler.R8;
import static dev.netns.internal.traffic.BpfAssembler.R9;
import static dev.netns.internal.traffic.BpfAssembler.RSH;
import static dev.netns.internal.traffic.BpfAssembler.W;
import static dev.netns.internal.traffic.BpfAssembler.XOR;

import dev.netns.Impairment;

/**
 * The loss of an impairment that holds nothing, decided in the kernel: an eBPF program on the
 * interface's egress computes each packet's flow exactly as {@link PacketKey#flow} does, counts
 * its position in that flow in an LRU hash map (at most {@link ShapingDecisions#MAX_FLOWS}
 * flows), and drops it when the same seeded draw {@link ShapingDecisions} would make says so
 * (silently, by a redirect to a device of the shaper's that is down, so the sender does not learn
 * of it, as with a loss on the wire).
 * So the kernel and the shaper thread lose the same packets for the same seed and traffic; only
 * the lost ones are touched, and nothing crosses into user space. Control frames pass as in
 * {@link ShapingDecisions}. Counters (frames decided, frames lost) in a two-entry array map.
 * Pure: it writes the instructions; {@link KernelLoss} loads them.
 */
final class LossProgram {

    private static final int HELPER_MAP_LOOKUP = 1;
    private static final int HELPER_MAP_UPDATE = 2;
    private static final int HELPER_SKB_LOAD_BYTES = 26;
    private static final int HELPER_REDIRECT = 23;
    /** What the program returns for a lost packet: a redirect, to a device that is down. */
    static final int TC_ACT_REDIRECT = 7;
    private static final int TCX_NEXT = -1;
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;
    private static final long MIX_1 = 0xbf58476d1ce4e5b9L;
    private static final long MIX_2 = 0x94d049bb133111ebL;
    private static final int PACKET = -64;
    private static final int PORTS = -72;
    private static final int KEY = -80;
    private static final int VALUE = -88;
    private static final int INDEX = -96;

    private LossProgram() {
    }

    /** Whether {@code impairment} only loses packets (independently), so the kernel can do all of it. */
    static boolean handles(Impairment impairment) {
        return impairment.loss().orElse(0) > 0 && impairment.delay().filter(delay -> !delay.isZero()).isEmpty()
                && impairment.jitter().filter(jitter -> !jitter.isZero()).isEmpty() && impairment.rate().isEmpty()
                && impairment.duplicate() == 0 && impairment.reorder() == 0 && impairment.corrupt() == 0
                && impairment.gilbertElliott().isEmpty();
    }

    /** The program for {@code impairment} with {@code seed}, using the maps of these file descriptors. */
    static byte[] of(Impairment impairment, long seed, int flowsMap, int countersMap, int dropInterface) {
        BpfAssembler asm = new BpfAssembler();
        boolean control = impairment.controlFrames();
        asm.aluRegister(MOV, R6, R1);
        for (int offset = -96; offset < 0; offset += 8) {
            asm.storeImmediate(DW, FP, offset, 0);
        }
        loadBytes(asm, 14, R0);
        asm.jump(JNE, R0, 0, "pass");
        asm.load(B, R8, FP, PACKET + 12).alu(LSH, R8, 8).load(B, R1, FP, PACKET + 13).aluRegister(OR, R8, R1);
        asm.loadImmediate(R7, FNV_OFFSET).loadImmediate(R5, FNV_PRIME);
        mixRegister(asm, R8);
        asm.jump(JEQ, R8, 0x0800, "ip4").jump(JEQ, R8, 0x86dd, "ip6").jump(control ? "position" : "pass");

        asm.label("ip4");
        loadBytes(asm, 34, R0);
        asm.jump(JNE, R0, 0, "position");
        asm.load(B, R8, FP, PACKET + 23).load(B, R9, FP, PACKET + 14).alu(AND, R9, 0x0f).alu(LSH, R9, 2).alu(ADD, R9, 14);
        asm.loadImmediate(R5, FNV_PRIME);
        mixRegister(asm, R8);
        mixBytes(asm, 26, 8);
        asm.jump("ports");

        asm.label("ip6");
        loadBytes(asm, 55, R0);
        asm.jump(JEQ, R0, 0, "ip6-full");
        loadBytes(asm, 54, R0);
        asm.jump(JNE, R0, 0, "position");
        asm.jump("ip6-hash");
        asm.label("ip6-full");
        if (!control) {
            // ICMPv6 router and neighbour discovery (133 to 137) pass untouched and uncounted
            asm.load(B, R1, FP, PACKET + 20).jump(JNE, R1, 58, "ip6-hash");
            asm.load(B, R1, FP, PACKET + 54).jump(JLT, R1, 133, "ip6-hash").jump(JGT, R1, 137, "ip6-hash").jump("pass");
        }
        asm.label("ip6-hash");
        asm.load(B, R8, FP, PACKET + 20).alu(MOV, R9, 54);
        asm.loadImmediate(R5, FNV_PRIME);
        mixRegister(asm, R8);
        mixBytes(asm, 22, 32);

        asm.label("ports");
        asm.jump(JEQ, R8, 6, "load-ports").jump(JNE, R8, 17, "position");
        asm.label("load-ports");
        asm.aluRegister(MOV, R1, R6).aluRegister(MOV, R2, R9).aluRegister(MOV, R3, FP).alu(ADD, R3, PORTS).alu(MOV, R4, 4)
                .call(HELPER_SKB_LOAD_BYTES);
        asm.jump(JNE, R0, 0, "position");
        asm.load(B, R8, FP, PORTS).alu(LSH, R8, 8).load(B, R1, FP, PORTS + 1).aluRegister(OR, R8, R1);
        asm.load(B, R2, FP, PORTS + 2).alu(LSH, R2, 8).load(B, R1, FP, PORTS + 3).aluRegister(OR, R2, R1);
        asm.jumpRegister(JLT, R8, R2, "lower-port").aluRegister(MOV, R8, R2);
        asm.label("lower-port");
        asm.loadImmediate(R5, FNV_PRIME);
        mixRegister(asm, R8);

        asm.label("position");
        asm.store(DW, FP, KEY, R7);
        asm.loadMap(R1, flowsMap).aluRegister(MOV, R2, FP).alu(ADD, R2, KEY).call(HELPER_MAP_LOOKUP);
        asm.jump(JEQ, R0, 0, "new-flow");
        // one flow's packets come from one sending thread at a time: a plain increment suffices
        asm.load(DW, R9, R0, 0).alu(ADD, R9, 1).store(DW, R0, 0, R9).jump("decide");
        asm.label("new-flow");
        asm.storeImmediate(DW, FP, VALUE, 1);
        asm.loadMap(R1, flowsMap).aluRegister(MOV, R2, FP).alu(ADD, R2, KEY).aluRegister(MOV, R3, FP).alu(ADD, R3, VALUE)
                .alu(MOV, R4, 0).call(HELPER_MAP_UPDATE);
        asm.alu(MOV, R9, 1);

        asm.label("decide");
        count(asm, countersMap, 0, "counted-frame");
        // the first draw of new SplittableRandom(mix(seed ^ mix(flow + GOLDEN * position))), as ShapingDecisions makes it
        asm.loadImmediate(R5, GOLDEN).aluRegister(MUL, R9, R5).aluRegister(ADD, R9, R7);
        mix(asm, R9);
        asm.loadImmediate(R5, seed).aluRegister(BpfAssembler.XOR, R9, R5);
        mix(asm, R9);
        asm.loadImmediate(R5, GOLDEN).aluRegister(ADD, R9, R5);
        mix(asm, R9);
        asm.alu(RSH, R9, 11).loadImmediate(R5, ShapingDecisions.lossThreshold(impairment.loss().orElse(0)))
                .jumpRegister(JLT, R9, R5, "drop");
        asm.label("pass").alu(MOV, R0, TCX_NEXT).exit();
        asm.label("drop");
        count(asm, countersMap, 1, "counted-loss");
        // not TC_ACT_SHOT: that tells the sending socket (ENOBUFS), and ping sends the same echo again;
        // a redirect to a device that is down is lost in silence, as on a real wire
        asm.alu(MOV, R1, dropInterface).alu(MOV, R2, 0).call(HELPER_REDIRECT).exit();
        return asm.assemble();
    }

    /** R0 = bpf_skb_load_bytes(skb, 0, packet buffer, length). */
    private static void loadBytes(BpfAssembler asm, int length, int unused) {
        asm.aluRegister(MOV, R1, R6).alu(MOV, R2, 0).aluRegister(MOV, R3, FP).alu(ADD, R3, PACKET).alu(MOV, R4, length)
                .call(HELPER_SKB_LOAD_BYTES);
    }

    /** FNV-1a of the four big-endian bytes of a 32-bit value, into R7 (R5 holds the prime; R1 is lost). */
    private static void mixRegister(BpfAssembler asm, int register) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            asm.aluRegister(MOV, R1, register).alu(RSH, R1, shift).alu(AND, R1, 0xff)
                    .aluRegister(XOR, R7, R1).aluRegister(MUL, R7, R5);
        }
    }

    /** FNV-1a of packet bytes {@code from} to {@code from + length - 1}, into R7. */
    private static void mixBytes(BpfAssembler asm, int from, int length) {
        for (int i = from; i < from + length; i++) {
            asm.load(B, R1, FP, PACKET + i).aluRegister(XOR, R7, R1).aluRegister(MUL, R7, R5);
        }
    }

    /** SplitMix64's finaliser on {@code register} (R1 and R5 are lost). */
    private static void mix(BpfAssembler asm, int register) {
        asm.aluRegister(MOV, R1, register).alu(RSH, R1, 30).aluRegister(XOR, register, R1)
                .loadImmediate(R5, MIX_1).aluRegister(MUL, register, R5);
        asm.aluRegister(MOV, R1, register).alu(RSH, R1, 27).aluRegister(XOR, register, R1)
                .loadImmediate(R5, MIX_2).aluRegister(MUL, register, R5);
        asm.aluRegister(MOV, R1, register).alu(RSH, R1, 31).aluRegister(XOR, register, R1);
    }

    /** Adds one to entry {@code index} of the counters map. */
    private static void count(BpfAssembler asm, int countersMap, int index, String done) {
        asm.storeImmediate(W, FP, INDEX, index);
        asm.loadMap(R1, countersMap).aluRegister(MOV, R2, FP).alu(ADD, R2, INDEX).call(HELPER_MAP_LOOKUP);
        asm.jump(JEQ, R0, 0, done).alu(MOV, R1, 1).atomicAdd(R0, 0, R1);
        asm.label(done);
    }
}
