package dev.netns.internal.netlink;

import dev.netns.internal.system.KernelException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One message the kernel sent: its header and its payload (what follows the 16-byte header).
 * {@link #split} is the one place that walks netlink headers; {@link NetlinkAttributes} the one
 * that walks attributes.
 *
 * @param type message type ({@link Netlink#NLMSG_ERROR}, {@link Netlink#NLMSG_DONE}, or a family's)
 * @param flags header flags
 * @param sequence the sequence number of the request it answers
 * @param payload the bytes after the header, in native byte order, positioned at 0
 */
public record NetlinkReply(int type, int flags, int sequence, ByteBuffer payload) {

    /** Splits one received datagram into its messages (a dump packs several into one). */
    public static List<NetlinkReply> split(ByteBuffer datagram) {
        ByteBuffer buffer = datagram.duplicate().order(ByteOrder.nativeOrder());
        List<NetlinkReply> messages = new ArrayList<>();
        int offset = buffer.position();
        while (offset + Netlink.HEADER_LENGTH <= buffer.limit()) {
            int length = buffer.getInt(offset);
            if (length < Netlink.HEADER_LENGTH || offset + length > buffer.limit()) {
                break;
            }
            int type = buffer.getShort(offset + 4) & 0xffff;
            int flags = buffer.getShort(offset + 6) & 0xffff;
            int sequence = buffer.getInt(offset + 8);
            ByteBuffer payload = buffer.slice(offset + Netlink.HEADER_LENGTH, length - Netlink.HEADER_LENGTH)
                    .order(ByteOrder.nativeOrder());
            messages.add(new NetlinkReply(type, flags, sequence, payload));
            offset += Netlink.align(length);
        }
        return messages;
    }

    /** Whether this is an error or acknowledgement. */
    public boolean isError() {
        return type == Netlink.NLMSG_ERROR;
    }

    /** Whether this ends a dump. */
    public boolean isDone() {
        return type == Netlink.NLMSG_DONE;
    }

    /** For an error message: the error number (positive), or 0 for an acknowledgement. */
    public int errno() {
        return -payload.getInt(0);
    }

    /** For an error message: the kernel's extended-ack text, or null when it gave none. */
    public String kernelText() {
        if ((flags & Netlink.NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        // error code, then the request's header (its payload is left out: NETLINK_CAP_ACK), then the attributes
        int attributes = 4 + Netlink.HEADER_LENGTH;
        String text = NetlinkAttributes.parse(payload, attributes).text(Netlink.NLMSGERR_ATTR_MSG);
        return text.isEmpty() ? null : text.trim();
    }

    /**
     * For an error message: nothing when it acknowledges, else the refusal.
     *
     * @throws KernelException naming {@code action}, with errno and the kernel's text
     */
    public void throwIfRefused(String action) {
        int errno = errno();
        if (errno != 0) {
            throw new KernelException(action, errno, kernelText());
        }
    }
}
