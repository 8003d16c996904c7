package dev.netns.internal.traffic;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes eBPF instructions (8 bytes each, little-endian: opcode, registers, offset, immediate)
 * with named labels for jumps, resolved at the end. Only what {@link LossProgram} needs. Pure.
 */
final class BpfAssembler {

    static final int R0 = 0;
    static final int R1 = 1;
    static final int R2 = 2;
    static final int R3 = 3;
    static final int R4 = 4;
    static final int R5 = 5;
    static final int R6 = 6;
    static final int R7 = 7;
    static final int R8 = 8;
    static final int R9 = 9;
    static final int FP = 10;

    // instruction classes, sizes, modes, operations (linux/bpf_common.h, linux/bpf.h)
    private static final int LD = 0x00;
    private static final int LDX = 0x01;
    private static final int ST = 0x02;
    private static final int STX = 0x03;
    private static final int JMP = 0x05;
    private static final int ALU64 = 0x07;
    static final int W = 0x00;
    static final int H = 0x08;
    static final int B = 0x10;
    static final int DW = 0x18;
    private static final int IMM = 0x00;
    private static final int MEM = 0x60;
    private static final int ATOMIC = 0xc0;
    private static final int K = 0x00;
    private static final int X = 0x08;
    static final int ADD = 0x00;
    static final int MUL = 0x20;
    static final int OR = 0x40;
    static final int AND = 0x50;
    static final int LSH = 0x60;
    static final int RSH = 0x70;
    static final int XOR = 0xa0;
    static final int MOV = 0xb0;
    static final int JEQ = 0x10;
    static final int JGT = 0x20;
    static final int JNE = 0x50;
    static final int JLT = 0xa0;
    private static final int JA = 0x00;
    private static final int CALL = 0x80;
    private static final int EXIT = 0x90;
    private static final int PSEUDO_MAP_FD = 1;
    private static final int FETCH = 0x01;

    private record Instruction(int code, int dst, int src, int offset, int immediate, String label) {
    }

    private final List<Instruction> code = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();

    /** {@code dst op= immediate}, 64 bits. */
    BpfAssembler alu(int operation, int dst, int immediate) {
        return add(ALU64 | operation | K, dst, 0, 0, immediate);
    }

    /** {@code dst op= src}, 64 bits. */
    BpfAssembler aluRegister(int operation, int dst, int src) {
        return add(ALU64 | operation | X, dst, src, 0, 0);
    }

    /** {@code dst = value}, any 64-bit value (two instruction slots). */
    BpfAssembler loadImmediate(int dst, long value) {
        add(LD | DW | IMM, dst, 0, 0, (int) value);
        return add(0, 0, 0, 0, (int) (value >>> 32));
    }

    /** {@code dst = the map of file descriptor fd} (two slots). */
    BpfAssembler loadMap(int dst, int fd) {
        add(LD | DW | IMM, dst, PSEUDO_MAP_FD, 0, fd);
        return add(0, 0, 0, 0, 0);
    }

    /** {@code dst = *(size *)(src + offset)}. */
    BpfAssembler load(int size, int dst, int src, int offset) {
        return add(LDX | size | MEM, dst, src, offset, 0);
    }

    /** {@code *(size *)(dst + offset) = src}. */
    BpfAssembler store(int size, int dst, int offset, int src) {
        return add(STX | size | MEM, dst, src, offset, 0);
    }

    /** {@code *(size *)(dst + offset) = immediate}. */
    BpfAssembler storeImmediate(int size, int dst, int offset, int immediate) {
        return add(ST | size | MEM, dst, 0, offset, immediate);
    }

    /** {@code src = atomic fetch-and-add(*(u64 *)(dst + offset), src)}. */
    BpfAssembler fetchAdd(int dst, int offset, int src) {
        return add(STX | DW | ATOMIC, dst, src, offset, ADD | FETCH);
    }

    /** {@code atomic *(u64 *)(dst + offset) += src}. */
    BpfAssembler atomicAdd(int dst, int offset, int src) {
        return add(STX | DW | ATOMIC, dst, src, offset, ADD);
    }

    /** {@code if (dst op immediate) goto label}. */
    BpfAssembler jump(int operation, int dst, int immediate, String label) {
        code.add(new Instruction(JMP | operation | K, dst, 0, 0, immediate, label));
        return this;
    }

    /** {@code if (dst op src) goto label}, unsigned. */
    BpfAssembler jumpRegister(int operation, int dst, int src, String label) {
        code.add(new Instruction(JMP | operation | X, dst, src, 0, 0, label));
        return this;
    }

    /** {@code goto label}. */
    BpfAssembler jump(String label) {
        code.add(new Instruction(JMP | JA, 0, 0, 0, 0, label));
        return this;
    }

    /** Calls kernel helper {@code helper}; arguments in R1 to R5, result in R0, R1 to R5 lost. */
    BpfAssembler call(int helper) {
        return add(JMP | CALL, 0, 0, 0, helper);
    }

    BpfAssembler exit() {
        return add(JMP | EXIT, 0, 0, 0, 0);
    }

    /** Names the next instruction. */
    BpfAssembler label(String name) {
        if (labels.put(name, code.size()) != null) {
            throw new IllegalStateException("label " + name + " twice");
        }
        return this;
    }

    private BpfAssembler add(int opcode, int dst, int src, int offset, int immediate) {
        code.add(new Instruction(opcode, dst, src, offset, immediate, null));
        return this;
    }

    /** The program, jumps resolved. */
    byte[] assemble() {
        ByteBuffer out = ByteBuffer.allocate(code.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int pc = 0; pc < code.size(); pc++) {
            Instruction instruction = code.get(pc);
            int offset = instruction.offset();
            if (instruction.label() != null) {
                Integer target = labels.get(instruction.label());
                if (target == null) {
                    throw new IllegalStateException("no label " + instruction.label());
                }
                offset = target - pc - 1;
            }
            out.put((byte) instruction.code()).put((byte) ((instruction.src() << 4) | instruction.dst()))
                    .putShort((short) offset).putInt(instruction.immediate());
        }
        return out.array();
    }
}
