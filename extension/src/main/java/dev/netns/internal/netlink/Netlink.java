package dev.netns.internal.netlink;

/** The numbers of netlink itself ({@code linux/netlink.h}): message types, flags, alignment. */
public final class Netlink {

    /** Length of {@code struct nlmsghdr}. */
    public static final int HEADER_LENGTH = 16;

    /** An error or, with error 0, an acknowledgement. */
    public static final int NLMSG_ERROR = 2;
    /** The end of a multipart (dump) reply. */
    public static final int NLMSG_DONE = 3;

    /** A request (every message to the kernel). */
    public static final int NLM_F_REQUEST = 0x1;
    /** Part of a multipart reply. */
    public static final int NLM_F_MULTI = 0x2;
    /** Asks for an acknowledgement. */
    public static final int NLM_F_ACK = 0x4;
    /** Asks for every object (root and match). */
    public static final int NLM_F_DUMP = 0x300;
    /** Refuse to replace an existing object. */
    public static final int NLM_F_EXCL = 0x200;
    /** Create the object if it does not exist. */
    public static final int NLM_F_CREATE = 0x400;
    /** Append (nf_tables rules at the end of their chain). */
    public static final int NLM_F_APPEND = 0x800;
    /** In an error message: extended-ack attributes follow. */
    public static final int NLM_F_ACK_TLVS = 0x200;

    /** Extended-ack attribute: the kernel's text. */
    public static final int NLMSGERR_ATTR_MSG = 1;

    /** Set in an attribute's type when it holds nested attributes. */
    public static final int NLA_F_NESTED = 0x8000;
    /** The bits of an attribute's type that are the type itself. */
    public static final int NLA_TYPE_MASK = 0x3fff;

    private Netlink() {
    }

    /** Rounds {@code length} up to netlink's 4-byte alignment. */
    public static int align(int length) {
        return (length + 3) & ~3;
    }
}
