package dev.netns.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;

/**
 * The few C library calls that Java has no equivalent for. Bound with JNA direct mapping;
 * every call that can fail throws {@link LastErrorException} carrying {@code errno}.
 */
final class Libc {

    static final int CLONE_NEWNET = 0x40000000;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int NETLINK_ROUTE = 0;
    static final int NETLINK_NETFILTER = 12;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVTIMEO = 20;
    static final int EAGAIN = 11;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;

    static {
        Native.register("c");
    }

    private Libc() {
    }

    static native int unshare(int flags) throws LastErrorException;

    static native int setns(int fd, int nstype) throws LastErrorException;

    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, int[] value, int length) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, long[] value, int length) throws LastErrorException;

    static native int bind(int fd, byte[] address, int length) throws LastErrorException;

    static native long send(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    static native long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    static native int if_nametoindex(String name);

    static final long MS_BIND = 4096;
    static final long MS_REC = 16384;
    static final long MS_PRIVATE = 1 << 18;
    static final int CLONE_NEWNS = 0x00020000;

    static native int mount(String source, String target, String filesystemType, long flags, String data)
            throws LastErrorException;

    static native String strerror(int errno);

    static final int MFD_CLOEXEC = 1;
    static final int FALLOC_FL_KEEP_SIZE = 1;
    static final int FALLOC_FL_PUNCH_HOLE = 2;
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;

    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final int IPPROTO_ICMP = 1;
    static final int POLLIN = 1;
    static final int AF_PACKET = 17;
    static final int ETH_P_ALL = 0x0003;

    static native int connect(int fd, byte[] address, int length) throws LastErrorException;

    static native int poll(int[] pollfd, int count, int timeoutMillis) throws LastErrorException;

    /** {@code ppoll} with a {@code struct timespec} of {seconds, nanoseconds}, no signal mask. */
    static native int ppoll(int[] pollfd, long count, long[] timeout, com.sun.jna.Pointer signalMask)
            throws LastErrorException;

    static final int SOL_PACKET = 263;
    static final int PACKET_QDISC_BYPASS = 20;

    static native int ioctl(int fd, long request, com.sun.jna.Pointer argument) throws LastErrorException;

    static final long SIOCETHTOOL = 0x8946;

    static native int memfd_create(String name, int flags) throws LastErrorException;

    static native int fallocate(int fd, int mode, long offset, long length) throws LastErrorException;

    /** Returns the C library's description of {@code errno}, e.g. "File exists". */
    static String describe(int errno) {
        return strerror(errno) + " (errno " + errno + ")";
    }
}
