package dev.netns.internal.system;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;

/**
 * The few {@code bpf(2)} commands netns-junit uses: create a map, read one of its values, load a
 * program, and attach it to an interface's egress with a {@code tcx} link (kernel 6.6+), which
 * the kernel detaches by itself when the link's file descriptor closes, also when the JVM dies.
 * Needs {@code CAP_BPF} (in the machine's user namespace): rootless runs get {@link KernelException}.
 */
public final class Bpf {

    private static final long SYS_BPF = 321;   // x86_64
    private static final int BPF_MAP_CREATE = 0;
    private static final int BPF_MAP_LOOKUP_ELEM = 1;
    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_TEST_RUN = 10;
    private static final int BPF_LINK_CREATE = 28;
    private static final int ATTRIBUTE_SIZE = 128;
    private static final int LOG_SIZE = 1 << 16;

    /** {@code BPF_MAP_TYPE_ARRAY}. */
    public static final int MAP_ARRAY = 2;
    /** {@code BPF_MAP_TYPE_LRU_HASH}: a hash map that forgets its least recently used entries when full. */
    public static final int MAP_LRU_HASH = 9;
    /** {@code BPF_PROG_TYPE_SCHED_CLS}. */
    public static final int PROG_SCHED_CLS = 3;
    /** {@code BPF_TCX_EGRESS}. */
    public static final int TCX_EGRESS = 47;

    private Bpf() {
    }

    /** The bound function itself. */
    private static final class C {

        static {
            Native.register(C.class, "c");
        }

        static native long syscall(long number, long command, Memory attribute, long size);
    }

    private static int call(String action, int command, Memory attribute) {
        long result = C.syscall(SYS_BPF, command, attribute, ATTRIBUTE_SIZE);
        if (result < 0) {
            throw new KernelException(action, Native.getLastError(), null);
        }
        return (int) result;
    }

    /** A new map; its file descriptor. */
    public static int createMap(int type, int keySize, int valueSize, int maxEntries, String name) {
        try (Memory attribute = attribute()) {
            attribute.setInt(0, type);
            attribute.setInt(4, keySize);
            attribute.setInt(8, valueSize);
            attribute.setInt(12, maxEntries);
            name(attribute, 28, name);
            return call("bpf map create " + name, BPF_MAP_CREATE, attribute);
        }
    }

    /** The 8-byte value at the 4-byte {@code index} of an array map. */
    public static long lookupLong(int mapFd, int index) {
        try (Memory attribute = attribute(); Memory key = new Memory(8); Memory value = new Memory(8)) {
            key.setInt(0, index);
            value.setLong(0, 0);
            attribute.setInt(0, mapFd);
            attribute.setPointer(8, key);
            attribute.setPointer(16, value);
            call("bpf map lookup", BPF_MAP_LOOKUP_ELEM, attribute);
            return value.getLong(0);
        }
    }

    /**
     * Loads a program of {@code type} from its instructions (8 bytes each, little-endian); its file
     * descriptor.
     *
     * @throws KernelException with the verifier's log when it is refused
     */
    public static int loadProgram(int type, byte[] instructions, String name) {
        try (Memory attribute = attribute(); Memory code = new Memory(instructions.length);
                Memory license = new Memory(4); Memory log = new Memory(LOG_SIZE)) {
            code.write(0, instructions, 0, instructions.length);
            license.setString(0, "GPL", "US-ASCII");
            log.setByte(0, (byte) 0);
            attribute.setInt(0, type);
            attribute.setInt(4, instructions.length / 8);
            attribute.setPointer(8, code);
            attribute.setPointer(16, license);
            attribute.setInt(24, 1);
            attribute.setInt(28, LOG_SIZE);
            attribute.setPointer(32, log);
            name(attribute, 48, name);
            long result = C.syscall(SYS_BPF, BPF_PROG_LOAD, attribute, ATTRIBUTE_SIZE);
            if (result < 0) {
                int errno = Native.getLastError();
                String verifier = log.getString(0, "US-ASCII");
                String tail = verifier.length() > 2000 ? verifier.substring(verifier.length() - 2000) : verifier;
                throw new KernelException("bpf program load " + name, errno, tail.isBlank() ? null : tail.strip());
            }
            return (int) result;
        }
    }

    /**
     * Attaches a program to interface {@code interfaceIndex} of the calling thread's namespace at
     * {@code attachType}; the link's file descriptor (closing it detaches the program).
     */
    public static int attach(int programFd, int interfaceIndex, int attachType) {
        try (Memory attribute = attribute()) {
            attribute.setInt(0, programFd);
            attribute.setInt(4, interfaceIndex);
            attribute.setInt(8, attachType);
            return call("bpf link create", BPF_LINK_CREATE, attribute);
        }
    }

    /** Runs a loaded program once on {@code frame} ({@code BPF_PROG_TEST_RUN}); its return value. */
    public static int testRun(int programFd, byte[] frame) {
        try (Memory attribute = attribute(); Memory data = new Memory(Math.max(frame.length, 1));
                Memory out = new Memory(frame.length + 256)) {
            data.write(0, frame, 0, frame.length);
            attribute.setInt(0, programFd);
            attribute.setInt(8, frame.length);
            attribute.setInt(12, frame.length + 256);
            attribute.setPointer(16, data);
            attribute.setPointer(24, out);
            attribute.setInt(32, 1);
            call("bpf program test run", BPF_PROG_TEST_RUN, attribute);
            return attribute.getInt(4);
        }
    }

    private static Memory attribute() {
        Memory attribute = new Memory(ATTRIBUTE_SIZE);
        attribute.clear();
        return attribute;
    }

    private static void name(Memory attribute, int offset, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        attribute.write(offset, bytes, 0, Math.min(15, bytes.length));
    }
}
