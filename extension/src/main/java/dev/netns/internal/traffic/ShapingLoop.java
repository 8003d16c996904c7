package dev.netns.internal.traffic;

import com.sun.jna.Memory;
import dev.netns.ImpairmentStatistics;
import dev.netns.internal.system.Errno;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import dev.netns.internal.system.PacketIo;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The shaper thread's work: read what the redirect feeds it, choose for each frame by its rule
 * ({@link ShapingDecisions}), hold it ({@link HeldFrames}) and pace it ({@link RateBucket}) as
 * the rule says, send it on, and count everything. A frame the kernel refuses to send is dropped
 * and counted; anything else that goes wrong stops the loop with its reason in
 * {@link #failure()}. Frames carry their {@code virtio_net_hdr} in front, both ways, so segment
 * trains cross in one piece.
 */
final class ShapingLoop implements Runnable {

    private static final System.Logger LOG = System.getLogger(ShapingLoop.class.getName());
    /** The largest frame: a 64 KiB segment train or an MTU of 65535, with headers. */
    static final int MAX_FRAME = 65_536 + 512;
    /** struct virtio_net_hdr, before each frame read and sent: how the kernel segments and checksums it. */
    static final int VNET_HEADER = 10;
    private static final int RECEIVE_BATCH = 64;
    private static final long POLL_NANOS = 50_000_000L;
    private static final int EINTR = 4;
    private static final long DROP_CHECK_NANOS = 20_000_000L;

    private final String where;
    private final int receiveFd;
    private final int packetFd;
    private final Supplier<ShaperRules> rules;
    private final BooleanSupplier stopping;

    // written by the shaper thread only, read by anyone
    private volatile long frames;
    private volatile long sent;
    private volatile long lost;
    private volatile long overflowed;
    private volatile long sendErrors;
    private volatile String lastSendError = "";
    private volatile long duplicated;
    private volatile long corrupted;
    private volatile int heldCount;
    private volatile long heldBytes;
    private volatile String failure;

    // the shaper thread's own
    private final HeldFrames held = new HeldFrames(HeldFrames.DEFAULT_CAPACITY);
    private final Memory outgoing = new Memory(MAX_FRAME + VNET_HEADER);
    private final Map<ShaperRule, RateBucket> buckets = new IdentityHashMap<>();
    private long order;
    private long lastDropCheck;

    /**
     * A loop for the link {@code where} ({@code "red:eth0"}, for messages), reading
     * {@code receiveFd}, sending on {@code packetFd}, under the rules in force, until
     * {@code stopping} says so.
     */
    ShapingLoop(String where, int receiveFd, int packetFd, Supplier<ShaperRules> rules, BooleanSupplier stopping) {
        this.where = where;
        this.receiveFd = receiveFd;
        this.packetFd = packetFd;
        this.rules = rules;
        this.stopping = stopping;
    }

    /** The counts so far, with {@code kernelFrames} decided in the kernel of which {@code kernelLost} were lost. */
    ImpairmentStatistics statistics(long kernelFrames, long kernelLost) {
        // the kernel's frames are decided there: lost ones are counted, the others go on at once
        return new ImpairmentStatistics(frames + kernelFrames, sent + kernelFrames - kernelLost, lost + kernelLost,
                overflowed, sendErrors, lastSendError, duplicated, corrupted, heldCount, heldBytes,
                Optional.ofNullable(failure));
    }

    /** Why the loop stopped, if it did. */
    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void run() {
        byte[] buffer = new byte[MAX_FRAME + VNET_HEADER];
        Memory landing = new Memory(MAX_FRAME + VNET_HEADER);
        int[] pollfd = new int[2];
        long[] timeout = new long[2];
        ShaperRules seen = null;
        try {
            while (!stopping.getAsBoolean()) {
                ShaperRules current = rules.get();
                if (current != seen) {
                    reevaluate(current, System.nanoTime());
                    seen = current;
                }
                long wait = Math.min(POLL_NANOS, Math.max(0, held.nextDue() - System.nanoTime()));
                pollfd[0] = receiveFd;
                pollfd[1] = Libc.POLLIN;
                timeout[0] = wait / 1_000_000_000L;
                timeout[1] = wait % 1_000_000_000L;
                int ready;
                try {
                    ready = Libc.ppoll(pollfd, 1, timeout, null);
                } catch (KernelException e) {
                    if (e.errno() == EINTR) {
                        continue;
                    }
                    throw e;
                }
                if (ready > 0) {
                    // the rules may have changed while waiting: frames read now are the new rules'
                    current = rules.get();
                    if (current != seen) {
                        reevaluate(current, System.nanoTime());
                        seen = current;
                    }
                    receive(current, landing, buffer);
                }
                long now = System.nanoTime();
                sendDue(now);
                if (now - lastDropCheck > DROP_CHECK_NANOS) {
                    lastDropCheck = now;
                    countKernelDrops();
                }
                heldCount = held.size();
                heldBytes = held.bytes();
            }
        } catch (Throwable e) {
            // also OutOfMemoryError: let go of the held frames, say why, and the next check of the link fails
            held.clear();
            heldCount = 0;
            heldBytes = 0;
            if (!stopping.getAsBoolean()) {
                failure = "the shaper thread stopped at " + java.time.Instant.now() + ": " + describe(e)
                        + "; every frame through " + where.substring(where.indexOf(':') + 1) + " is dropped until the next impair() or clearImpairment()";
                LOG.log(System.Logger.Level.WARNING, where + ": " + failure, e);
            }
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof KernelException kernel) {
            return kernel.getMessage();
        }
        return e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Frames the kernel dropped before the shaper read them (its receive queue was full) count as overflowed. */
    private void countKernelDrops() {
        long drops = PacketIo.packetDrops(receiveFd);
        if (drops > 0) {
            frames += drops;
            overflowed += drops;
        }
    }

    /** Reads what is waiting, up to a batch, without blocking. */
    private void receive(ShaperRules current, Memory landing, byte[] buffer) {
        for (int i = 0; i < RECEIVE_BATCH; i++) {
            long received = PacketIo.recv(receiveFd, landing, MAX_FRAME + VNET_HEADER, Libc.MSG_DONTWAIT);
            if (received == -Errno.EAGAIN || received == -EINTR || received == 0) {
                return;
            }
            if (received < 0) {
                throw new KernelException("recv", (int) -received, null);
            }
            int length = (int) received - VNET_HEADER;
            if (length <= 0) {
                continue;
            }
            // the frame first, for the choices; its header after it, to send it the same way
            landing.read(VNET_HEADER, buffer, 0, length);
            landing.read(0, buffer, length, VNET_HEADER);
            admit(current, buffer, length, landing, System.nanoTime());
        }
    }

    private void admit(ShaperRules current, byte[] buffer, int length, Memory landing, long now) {
        frames++;
        ShaperRule rule = current.select(buffer, length);
        ShapingDecisions.Decision decision = rule == null ? ShapingDecisions.Decision.PLAIN
                : rule.decisions().decide(buffer, length);
        if (decision.drop()) {
            lost++;
            return;
        }
        long earliest = rule == null ? now : now + decision.delayNanos(rule.impairment());
        for (int copy = 0; copy < decision.copies(); copy++) {
            long due = pace(rule, earliest, length);
            if (due < 0) {
                overflowed++;
                continue;
            }
            boolean corrupt = decision.corruptBit() >= 0 && copy == 0;
            if (due <= now && held.size() == 0 && !corrupt) {
                // nothing ahead of it and nothing to change: out at once, as it came
                send(landing, VNET_HEADER + length);
            } else {
                byte[] frame = Arrays.copyOf(buffer, length + VNET_HEADER);
                if (corrupt) {
                    frame[decision.corruptBit() / 8] ^= (byte) (1 << (decision.corruptBit() % 8));
                }
                if (!held.add(new HeldFrames.Held(due, order++, now, frame, length, rule, decision))) {
                    overflowed++;
                    continue;
                }
            }
            if (copy > 0) {
                duplicated++;
            }
            if (corrupt) {
                corrupted++;
            }
        }
    }

    /** When a frame may leave after its rule's rate; -1 when the rate's backlog is full. */
    private long pace(ShaperRule rule, long earliest, int length) {
        if (rule == null || rule.impairment().rate().isEmpty()) {
            return earliest;
        }
        return buckets.computeIfAbsent(rule, key -> new RateBucket(key.impairment().rate().getAsLong()))
                .departure(earliest, length);
    }

    /**
     * New rules are in force: every held frame is timed again as if the new rules had been in
     * force when it arrived (its delay from the new settings, paced by fresh token buckets in
     * arrival order); a frame no rule takes any more leaves at once.
     */
    private void reevaluate(ShaperRules current, long now) {
        buckets.clear();
        List<HeldFrames.Held> frames = held.inArrivalOrder();
        held.clear();
        for (HeldFrames.Held frame : frames) {
            ShaperRule rule = current.select(frame.bytes, frame.length);
            long due = rule == null ? now
                    : pace(rule, frame.arrival + frame.decision.delayNanos(rule.impairment()), frame.length);
            if (due < 0) {
                overflowed++;
                continue;
            }
            frame.rule = rule;
            frame.due = due;
            held.add(frame);
        }
    }

    private void sendDue(long now) {
        HeldFrames.Held frame;
        while ((frame = held.pollDue(now)) != null) {
            outgoing.write(0, frame.bytes, frame.length, VNET_HEADER);
            outgoing.write(VNET_HEADER, frame.bytes, 0, frame.length);
            send(outgoing, VNET_HEADER + frame.length);
        }
    }

    /** Sends one frame, its header first; a refusal drops that frame only (counted, with the kernel's words). */
    private void send(Memory frame, int length) {
        long result = PacketIo.send(packetFd, frame, length, 0);
        if (result >= 0) {
            sent++;
        } else {
            sendErrors++;
            lastSendError = Libc.describe((int) -result);
        }
    }
}
