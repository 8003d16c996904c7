package dev.netns.internal.netlink;

import dev.netns.internal.system.Errno;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * An rtnetlink socket. It belongs to the network namespace of the thread that opened it, for its
 * whole life, so one is opened on each namespace's own thread and serves every request there.
 * Not thread-safe: used by its namespace's thread only.
 */
public final class NetlinkSocket implements AutoCloseable {

    private final int fd;
    private final byte[] receiveBuffer = new byte[65536];
    private int sequence;
    private boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /** Opens an rtnetlink socket in the calling thread's network namespace. */
    public static NetlinkSocket open() {
        return open(Libc.NETLINK_ROUTE);
    }

    /**
     * Opens a netlink socket of {@code protocol} in the calling thread's network namespace. A
     * receive timeout of 5 s guards against waiting forever for an answer that never comes.
     */
    public static NetlinkSocket open(int protocol) {
        int fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
        try {
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, new long[] {5, 0}, 16);
            Libc.setsockopt(fd, Libc.SOL_NETLINK, Libc.NETLINK_CAP_ACK, new int[] {1}, 4);
            Libc.setsockopt(fd, Libc.SOL_NETLINK, Libc.NETLINK_EXT_ACK, new int[] {1}, 4);
            Libc.bind(fd, new byte[] {Libc.AF_NETLINK, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 12);
            return new NetlinkSocket(fd);
        } catch (KernelException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /**
     * Sends a request and waits for the kernel's acknowledgement.
     *
     * @param action what the request does, in words, for the error message
     * @throws KernelException when the kernel refuses it
     */
    void request(NetlinkMessage message, String action) {
        exchange(message, action, reply -> {
        });
    }

    /** Sends a dump request and returns the payload of every reply message (positioned at 0). */
    List<ByteBuffer> dump(NetlinkMessage message, String action) {
        List<ByteBuffer> messages = new ArrayList<>();
        exchange(message, action, messages::add);
        return messages;
    }

    /**
     * Sends several messages in one write (a netfilter batch) and waits until the kernel has
     * acknowledged each one that asked for it.
     *
     * <p>The kernel works through a batch while the write is in progress, and every answer is
     * queued before the write returns. A refused batch (its begin message refused, e.g. without
     * nf_tables in the kernel) or a refused message can leave later messages unanswered, so once a
     * refusal has arrived, only what is already queued is read: no wait for the receive timeout.
     *
     * @throws KernelException with the first refusal, in message order
     */
    public void batch(List<NetlinkMessage> messages, String action) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Set<Integer> awaited = new HashSet<>();
        int first = sequence + 1;
        for (NetlinkMessage message : messages) {
            int seq = ++sequence;
            bytes.writeBytes(message.toBytes(seq));
            if ((message.flags() & Netlink.NLM_F_ACK) != 0) {
                awaited.add(seq);
            }
        }
        int last = sequence;
        byte[] all = bytes.toByteArray();
        Libc.send(fd, all, all.length, 0);
        TreeMap<Integer, KernelException> refusals = new TreeMap<>();
        while (!awaited.isEmpty()) {
            ByteBuffer datagram;
            try {
                datagram = receive(refusals.isEmpty() ? 0 : Libc.MSG_DONTWAIT);
            } catch (KernelException e) {
                if (e.errno() == Errno.EAGAIN && !refusals.isEmpty()) {
                    break;
                }
                throw e.during(action + " (no answer from the kernel)");
            }
            for (NetlinkReply reply : NetlinkReply.split(datagram)) {
                if (!reply.isError() || reply.sequence() < first || reply.sequence() > last) {
                    continue;
                }
                awaited.remove(reply.sequence());
                try {
                    reply.throwIfRefused(action);
                } catch (KernelException refused) {
                    refusals.put(reply.sequence(), refused);
                }
            }
        }
        if (!refusals.isEmpty()) {
            throw refusals.firstEntry().getValue();
        }
    }

    /**
     * Sends {@code message}, hands each data reply to {@code replies} and returns at the
     * acknowledgement or the end of a dump.
     */
    private void exchange(NetlinkMessage message, String action, Consumer<ByteBuffer> replies) {
        int seq = ++sequence;
        byte[] bytes = message.toBytes(seq);
        Libc.send(fd, bytes, bytes.length, 0);
        while (true) {
            ByteBuffer datagram;
            try {
                datagram = receive(0);
            } catch (KernelException e) {
                throw e.during(action + " (no answer from the kernel)");
            }
            for (NetlinkReply reply : NetlinkReply.split(datagram)) {
                if (reply.sequence() != seq) {
                    continue;
                }
                if (reply.isError()) {
                    reply.throwIfRefused(action);
                    return;
                }
                if (reply.isDone()) {
                    return;
                }
                // the receive buffer is reused by the next datagram: the caller gets a copy
                ByteBuffer payload = reply.payload();
                byte[] copy = new byte[payload.remaining()];
                payload.get(0, copy);
                replies.accept(ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder()));
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }

    private ByteBuffer receive(int flags) {
        long received = Libc.recv(fd, receiveBuffer, receiveBuffer.length, flags);
        return ByteBuffer.wrap(receiveBuffer, 0, (int) received).slice().order(ByteOrder.nativeOrder());
    }
}
