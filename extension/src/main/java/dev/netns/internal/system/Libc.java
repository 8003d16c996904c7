package dev.netns.internal.system;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few C library calls that Java has no equivalent for, bound with JNA direct mapping. This
 * is the one place where a failed call's {@code errno} (JNA's {@link LastErrorException}) turns
 * into a {@link KernelException}: every call that can fail throws that, named after the call.
 */
public final class Libc {

    public static final int CLONE_NEWNET = 0x40000000;
    public static final int CLONE_NEWPID = 0x20000000;
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_APPEND = 0x400;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int NETLINK_ROUTE = 0;
    public static final int NETLINK_NETFILTER = 12;
    public static final int NETLINK_SOCK_DIAG = 4;
    public static final int SIGSTOP = 19;
    public static final int SIGCONT = 18;
    public static final int SOL_SOCKET = 1;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int SO_RCVTIMEO = 20;
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_PRIVATE = 1 << 18;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    /** {@code umount2} flag: detach now, free once no longer used. */
    public static final int MNT_DETACH = 2;
    public static final int CLONE_NEWNS = 0x00020000;
    public static final int MFD_CLOEXEC = 1;
    public static final int FALLOC_FL_KEEP_SIZE = 1;
    public static final int FALLOC_FL_PUNCH_HOLE = 2;
    public static final int SEEK_DATA = 3;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int F_SETPIPE_SZ = 1031;
    public static final int POLLHUP = 0x10;
    public static final int SEEK_HOLE = 4;
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    /** {@code pidfd_open}: the same number on every architecture (the generic syscall table). */
    public static final long SYS_PIDFD_OPEN = 434;
    /** {@code pidfd_send_signal}: like {@link #SYS_PIDFD_OPEN}, 424 on x86_64, aarch64 and every other architecture. */
    public static final long SYS_PIDFD_SEND_SIGNAL = 424;
    /** {@code SO_NETNS_COOKIE} (Linux 5.14): the 64-bit id of a socket's network namespace, never reused until reboot. */
    public static final int SO_NETNS_COOKIE = 71;
    public static final int AF_UNIX = 1;
    public static final int WNOHANG = 1;
    public static final int AF_INET = 2;
    public static final int SOCK_DGRAM = 2;
    public static final int IPPROTO_ICMP = 1;
    public static final int POLLIN = 1;
    public static final int AF_PACKET = 17;
    public static final int ETH_P_ALL = 0x0003;
    public static final int SOL_PACKET = 263;
    public static final int PACKET_QDISC_BYPASS = 20;
    public static final long SIOCETHTOOL = 0x8946;
    public static final int O_RDWR = 2;
    public static final long TUNSETIFF = 0x400454caL;
    public static final short IFF_TUN = 0x0001;
    public static final short IFF_NO_PI = 0x1000;

    private Libc() {
    }

    /** The bound functions themselves; their names are the C symbols. */
    private static final class C {

        static {
            Native.register(C.class, "c");
        }

        static native int unshare(int flags) throws LastErrorException;

        static native int open(String path, int flags) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;

        static native int socket(int domain, int type, int protocol) throws LastErrorException;

        static native int setsockopt(int fd, int level, int name, int[] value, int length) throws LastErrorException;

        static native int setsockopt(int fd, int level, int name, long[] value, int length) throws LastErrorException;

        static native int bind(int fd, byte[] address, int length) throws LastErrorException;

        static native long send(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

        static native long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

        static native int if_nametoindex(String name);

        static native int mount(String source, String target, String filesystemType, long flags, String data) throws LastErrorException;

        static native int umount2(String target, int flags) throws LastErrorException;

        static native String strerror(int errno);

        static native int connect(int fd, byte[] address, int length) throws LastErrorException;

        static native int poll(int[] pollfd, int count, int timeoutMillis) throws LastErrorException;

        static native int ppoll(int[] pollfd, long count, long[] timeout, Pointer signalMask) throws LastErrorException;

        static native int ioctl(int fd, long request, Pointer argument) throws LastErrorException;

        static native int memfd_create(String name, int flags) throws LastErrorException;

        static native int fallocate(int fd, int mode, long offset, long length) throws LastErrorException;












        static native int setns(int fd, int type) throws LastErrorException;

        static native int getsockopt(int fd, int level, int name, long[] value, int[] length) throws LastErrorException;

        static native int mkfifo(String path, int mode) throws LastErrorException;

        static native long lseek(int fd, long offset, int whence) throws LastErrorException;

        static native int pipe2(int[] fds, int flags) throws LastErrorException;

        static native int fcntl(int fd, int command, int argument) throws LastErrorException;

        static native long read(int fd, byte[] buffer, long length) throws LastErrorException;

        static native long write(int fd, byte[] buffer, long length) throws LastErrorException;

        static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

        static native int kill(int pid, int signal) throws LastErrorException;

        static native long syscall(long number, long first, long second) throws LastErrorException;

        static native int ioctl(int fd, long request, byte[] argument) throws LastErrorException;

        static native long syscall(long number, long first, long second, long third, long fourth) throws LastErrorException;
    }

    /** {@code unshare(2)}; a failure throws {@link KernelException} with its errno. */
    public static int unshare(int flags) {
        return checked("unshare", () -> C.unshare(flags));
    }

    /** {@code open(2)}; a failure throws {@link KernelException} with its errno. */
    public static int open(String path, int flags) {
        return checked("open", () -> C.open(path, flags));
    }

    /** {@code close(2)}; a failure throws {@link KernelException} with its errno. */
    public static int close(int fd) {
        return checked("close", () -> C.close(fd));
    }

    /** {@code socket(2)}; a failure throws {@link KernelException} with its errno. */
    public static int socket(int domain, int type, int protocol) {
        return checked("socket", () -> C.socket(domain, type, protocol));
    }

    /** {@code setsockopt(2)}; a failure throws {@link KernelException} with its errno. */
    public static int setsockopt(int fd, int level, int name, int[] value, int length) {
        return checked("setsockopt", () -> C.setsockopt(fd, level, name, value, length));
    }

    /** {@code setsockopt(2)}; a failure throws {@link KernelException} with its errno. */
    public static int setsockopt(int fd, int level, int name, long[] value, int length) {
        return checked("setsockopt", () -> C.setsockopt(fd, level, name, value, length));
    }

    /** {@code bind(2)}; a failure throws {@link KernelException} with its errno. */
    public static int bind(int fd, byte[] address, int length) {
        return checked("bind", () -> C.bind(fd, address, length));
    }

    /** {@code send(2)}; a failure throws {@link KernelException} with its errno. */
    public static long send(int fd, byte[] buffer, long length, int flags) {
        return checkedLong("send", () -> C.send(fd, buffer, length, flags));
    }

    /** {@code recv(2)}; a failure throws {@link KernelException} with its errno. */
    public static long recv(int fd, byte[] buffer, long length, int flags) {
        return checkedLong("recv", () -> C.recv(fd, buffer, length, flags));
    }

    /** {@code if_nametoindex(3)}. */
    public static int if_nametoindex(String name) {
        return C.if_nametoindex(name);
    }

    /** The errno {@code EMFILE}: this process has no descriptor left. */
    public static final int EMFILE = 24;

    /**
     * The index of interface {@code name} in the calling thread's namespace. {@code if_nametoindex}
     * needs a socket and leaves a misleading errno when it cannot open one, so a failure is checked
     * here: out of descriptors is reported as such ({@code EMFILE}), not as "no such interface".
     *
     * @throws KernelException with {@code ENODEV} or {@code EMFILE}
     */
    public static int interfaceIndex(String name) {
        int index = C.if_nametoindex(name);
        if (index != 0) {
            return index;
        }
        try {
            close(open("/dev/null", O_RDONLY | O_CLOEXEC));
        } catch (KernelException e) {
            throw new KernelException("look up interface " + name, e.errno(), null);
        }
        throw new KernelException("look up interface " + name, Errno.ENODEV, null);
    }

    /** {@code mount(2)}; a failure throws {@link KernelException} with its errno. */
    public static int mount(String source, String target, String filesystemType, long flags, String data) {
        return checked("mount", () -> C.mount(source, target, filesystemType, flags, data));
    }

    /** {@code umount2(2)}; a failure throws {@link KernelException} with its errno. */
    public static int umount2(String target, int flags) {
        return checked("umount2", () -> C.umount2(target, flags));
    }

    /** {@code strerror(3)}. */
    public static String strerror(int errno) {
        return C.strerror(errno);
    }

    /** {@code connect(2)}; a failure throws {@link KernelException} with its errno. */
    public static int connect(int fd, byte[] address, int length) {
        return checked("connect", () -> C.connect(fd, address, length));
    }

    /** {@code poll(2)}; a failure throws {@link KernelException} with its errno. */
    public static int poll(int[] pollfd, int count, int timeoutMillis) {
        return checked("poll", () -> C.poll(pollfd, count, timeoutMillis));
    }

    /** {@code ppoll(2)}; a failure throws {@link KernelException} with its errno. */
    public static int ppoll(int[] pollfd, long count, long[] timeout, Pointer signalMask) {
        return checked("ppoll", () -> C.ppoll(pollfd, count, timeout, signalMask));
    }

    /** {@code ioctl(2)}; a failure throws {@link KernelException} with its errno. */
    public static int ioctl(int fd, long request, Pointer argument) {
        return checked("ioctl", () -> C.ioctl(fd, request, argument));
    }

    /** {@code memfd_create(2)}; a failure throws {@link KernelException} with its errno. */
    public static int memfd_create(String name, int flags) {
        return checked("memfd_create", () -> C.memfd_create(name, flags));
    }

    /** {@code fallocate(2)}; a failure throws {@link KernelException} with its errno. */
    public static int fallocate(int fd, int mode, long offset, long length) {
        return checked("fallocate", () -> C.fallocate(fd, mode, offset, length));
    }

    /** {@code waitpid(2)}; a failure throws {@link KernelException} with its errno. */
    public static int waitpid(int pid, int[] status, int options) {
        return checked("waitpid", () -> C.waitpid(pid, status, options));
    }

    /** {@code kill(2)}; a failure throws {@link KernelException} with its errno. */
    public static int kill(int pid, int signal) {
        return checked("kill", () -> C.kill(pid, signal));
    }

    /** {@code pidfd_open(2)}: a descriptor that becomes readable when the process {@code pid} exits. */
    public static int pidfd_open(int pid) {
        return (int) checkedLong("pidfd_open", () -> C.syscall(SYS_PIDFD_OPEN, pid, 0));
    }

    /** {@code setns(2)}: moves the calling thread into the namespace {@code fd} names. */
    public static int setns(int fd, int nstype) {
        return checked("setns", () -> C.setns(fd, nstype));
    }

    /** {@code read(2)}; a failure throws {@link KernelException} with its errno. */
    public static long read(int fd, byte[] buffer, long length) {
        return checkedLong("read", () -> C.read(fd, buffer, length));
    }

    /** {@code write(2)}; a failure throws {@link KernelException} with its errno. */
    public static long write(int fd, byte[] buffer, long length) {
        return checkedLong("write", () -> C.write(fd, buffer, length));
    }

    /** {@code ioctl(2)} with an in-out byte buffer (a {@code struct ifreq}); failures throw {@link KernelException}. */
    public static int ioctl(int fd, long request, byte[] argument) {
        return checked("ioctl", () -> C.ioctl(fd, request, argument));
    }

    /**
     * {@code pidfd_send_signal(2)}: signals the very process the pidfd was opened on; if it has
     * exited, fails with {@code ESRCH} even when its pid number belongs to another process by now.
     */
    public static int pidfd_send_signal(int pidfd, int signal) {
        return (int) checkedLong("pidfd_send_signal", () -> C.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, signal, 0, 0));
    }

    /** {@code getsockopt(2)} of a 64-bit option; a failure throws {@link KernelException} with its errno. */
    public static long getsockoptLong(int fd, int level, int name) {
        long[] value = new long[1];
        checked("getsockopt", () -> C.getsockopt(fd, level, name, value, new int[] {8}));
        return value[0];
    }

    /** {@code lseek(2)}; a failure throws {@link KernelException} with its errno (ENXIO: no data or hole past offset). */
    public static long lseek(int fd, long offset, int whence) {
        return checkedLong("lseek", () -> C.lseek(fd, offset, whence));
    }

    /** {@code pipe2(2)}: {@code fds[0]} reads, {@code fds[1]} writes; a failure throws {@link KernelException}. */
    public static int pipe2(int[] fds, int flags) {
        return checked("pipe2", () -> C.pipe2(fds, flags));
    }

    /** {@code fcntl(2)} with an int argument; a failure throws {@link KernelException} with its errno. */
    public static int fcntl(int fd, int command, int argument) {
        return checked("fcntl", () -> C.fcntl(fd, command, argument));
    }

    /** {@code mkfifo(3)}; a failure throws {@link KernelException} with its errno. */
    public static int mkfifo(String path, int mode) {
        return checked("mkfifo", () -> C.mkfifo(path, mode));
    }

    /** A call that returns an int and signals failure through errno. */
    @FunctionalInterface
    private interface IntCall {
        int call() throws LastErrorException;
    }

    /** A call that returns a long and signals failure through errno. */
    @FunctionalInterface
    private interface LongCall {
        long call() throws LastErrorException;
    }

    /** Makes the call; a failure becomes a {@link KernelException} named after it, with its errno. */
    private static int checked(String name, IntCall call) {
        try {
            return call.call();
        } catch (LastErrorException e) {
            throw new KernelException(name, e.getErrorCode(), null);
        }
    }

    /** Makes the call; a failure becomes a {@link KernelException} named after it, with its errno. */
    private static long checkedLong(String name, LongCall call) {
        try {
            return call.call();
        } catch (LastErrorException e) {
            throw new KernelException(name, e.getErrorCode(), null);
        }
    }

    /** The {@code errno} of the calling thread's last failed call (for calls that fail without throwing). */
    public static int lastError() {
        return Native.getLastError();
    }

    /** Returns the C library's description of {@code errno}, e.g. "File exists". */
    public static String describe(int errno) {
        return strerror(errno) + " (errno " + errno + ")";
    }
}
