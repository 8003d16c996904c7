package dev.netns.internal;

import com.sun.jna.LastErrorException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An rtnetlink socket. It belongs to the network namespace of the thread that opened it, for its
 * whole life, so one is opened on each namespace's own thread and serves every request there.
 * Not thread-safe: used by its namespace's thread only.
 */
final class NetlinkSocket implements AutoCloseable {

    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    private static final int NLM_F_ACK_TLVS = 0x200;
    private static final int NLMSGERR_ATTR_MSG = 1;

    private final int fd;
    private final byte[] receiveBuffer = new byte[65536];
    private int sequence;
    private boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /** Opens an rtnetlink socket in the calling thread's network namespace. */
    static NetlinkSocket open() {
        return open(Libc.NETLINK_ROUTE);
    }

    /**
     * Opens a netlink socket of {@code protocol} in the calling thread's network namespace. A
     * receive timeout of 5 s guards against waiting forever for an answer that never comes.
     */
    static NetlinkSocket open(int protocol) {
        int fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
        try {
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, new long[] {5, 0}, 16);
            Libc.setsockopt(fd, Libc.SOL_NETLINK, Libc.NETLINK_CAP_ACK, new int[] {1}, 4);
            Libc.setsockopt(fd, Libc.SOL_NETLINK, Libc.NETLINK_EXT_ACK, new int[] {1}, 4);
            Libc.bind(fd, new byte[] {Libc.AF_NETLINK, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 12);
            return new NetlinkSocket(fd);
        } catch (LastErrorException e) {
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

    /** Sends a dump request and returns every reply message, each as a buffer positioned at its payload. */
    List<ByteBuffer> dump(NetlinkMessage message, String action) {
        List<ByteBuffer> messages = new ArrayList<>();
        exchange(message, action, messages::add);
        return messages;
    }

    /**
     * Sends several messages in one write (a netfilter batch) and waits until the kernel has
     * acknowledged each one that asked for it.
     *
     * @throws KernelException with the first refusal, in message order
     */
    void batch(List<NetlinkMessage> messages, String action) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.util.Set<Integer> awaited = new java.util.HashSet<>();
        java.util.TreeMap<Integer, KernelException> refusals = new java.util.TreeMap<>();
        for (NetlinkMessage message : messages) {
            int seq = ++sequence;
            byte[] encoded = message.toBytes(seq);
            bytes.writeBytes(encoded);
            if ((ByteBuffer.wrap(encoded).order(ByteOrder.nativeOrder()).getShort(6) & NLM_F_ACK) != 0) {
                awaited.add(seq);
            }
        }
        byte[] all = bytes.toByteArray();
        Libc.send(fd, all, all.length, 0);
        while (!awaited.isEmpty()) {
            ByteBuffer reply;
            try {
                reply = receive();
            } catch (com.sun.jna.LastErrorException e) {
                if (e.getErrorCode() == Libc.EAGAIN && !refusals.isEmpty()) {
                    break;
                }
                throw new KernelException(action + " (no answer from the kernel)", e.getErrorCode(), null);
            }
            while (reply.remaining() >= 16) {
                int start = reply.position();
                int length = reply.getInt(start);
                int type = reply.getShort(start + 4) & 0xffff;
                int seq = reply.getInt(start + 8);
                if (type == NLMSG_ERROR && awaited.remove(seq)) {
                    try {
                        throwIfError(reply, start, length, action);
                    } catch (KernelException refused) {
                        refusals.put(seq, refused);
                    }
                }
                reply.position(start + align(length));
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
    private void exchange(NetlinkMessage message, String action, java.util.function.Consumer<ByteBuffer> replies) {
        int seq = send(message);
        while (true) {
            ByteBuffer reply = receive();
            while (reply.remaining() >= 16) {
                int start = reply.position();
                int length = reply.getInt(start);
                int type = reply.getShort(start + 4) & 0xffff;
                if (reply.getInt(start + 8) == seq) {
                    if (type == NLMSG_ERROR) {
                        throwIfError(reply, start, length, action);
                        return;
                    }
                    if (type == NLMSG_DONE) {
                        return;
                    }
                    if (type > NLMSG_DONE) {
                        ByteBuffer one = ByteBuffer.wrap(copy(reply, start, length)).order(ByteOrder.nativeOrder());
                        one.position(16);
                        replies.accept(one);
                    }
                }
                reply.position(start + align(length));
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

    private int send(NetlinkMessage message) {
        int seq = ++sequence;
        byte[] bytes = message.toBytes(seq);
        Libc.send(fd, bytes, bytes.length, 0);
        return seq;
    }

    private ByteBuffer receive() {
        long received = Libc.recv(fd, receiveBuffer, receiveBuffer.length, 0);
        ByteBuffer buffer = ByteBuffer.wrap(receiveBuffer, 0, (int) received).order(ByteOrder.nativeOrder());
        return buffer.slice().order(ByteOrder.nativeOrder());
    }

    private static void throwIfError(ByteBuffer reply, int start, int length, String action) {
        int error = reply.getInt(start + 16);
        if (error == 0) {
            return;
        }
        int flags = reply.getShort(start + 6) & 0xffff;
        String kernelText = null;
        if ((flags & NLM_F_ACK_TLVS) != 0) {
            int offset = start + 16 + 4 + 16;
            while (offset + 4 <= start + length) {
                int attributeLength = reply.getShort(offset) & 0xffff;
                int attributeType = reply.getShort(offset + 2) & 0x3fff;
                if (attributeLength < 4) {
                    break;
                }
                if (attributeType == NLMSGERR_ATTR_MSG) {
                    byte[] text = copy(reply, offset + 4, attributeLength - 4);
                    kernelText = new String(text, StandardCharsets.US_ASCII).replace("\0", "").trim();
                }
                offset += align(attributeLength);
            }
        }
        throw new KernelException(action, -error, kernelText);
    }

    private static byte[] copy(ByteBuffer buffer, int offset, int length) {
        byte[] bytes = new byte[length];
        buffer.get(offset, bytes);
        return bytes;
    }

    static int align(int length) {
        return (length + 3) & ~3;
    }
}
