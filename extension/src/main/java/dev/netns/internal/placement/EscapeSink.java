package dev.netns.internal.placement;

import dev.netns.internal.model.Cidr;
import dev.netns.internal.namespace.HomeNamespace;
import dev.netns.internal.netlink.NetlinkSocket;
import dev.netns.internal.netlink.RouteNetlink;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import dev.netns.internal.system.Sysctl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Sinks: a TUN device as the default route (IPv4 and IPv6) of a namespace where nothing should
 * leave, and one thread that reads them all. A TCP segment that reaches a sink is answered with
 * a reset, so a {@code connect} fails at once ("Connection refused") and an established
 * connection breaks at its next send; every connection attempt and datagram is charged to the
 * running topology that has its destination ({@link TopologyAddresses}).
 */
public final class EscapeSink {

    private static final System.Logger LOG = System.getLogger(EscapeSink.class.getName());
    /** The sink's own addresses: source addresses for what is sent into it; link-local and ULA, never a topology's. */
    private static final Cidr SINK4 = Cidr.parse("169.254.77.1/32");
    private static final Cidr SINK6 = Cidr.parse("fdff:6e6a:6e6a::1/128");
    private static final String DEVICE = "njsink0";
    private static final int POLL_MILLIS = 100;

    /** One sink device: its descriptor, who lives behind it, and (for a ghost) when it may go. */
    private record Sink(int fd, String origin, BooleanSupplier obsolete) {
    }

    private static final List<Sink> SINKS = new ArrayList<>();
    private static Thread reader;

    private EscapeSink() {
    }

    /**
     * Makes a sink the default route of the calling thread's namespace. Brings up loopback too.
     *
     * @param origin where code that sends into it lives, in words
     * @param obsolete polled now and then: once true, the sink is closed (it holds its namespace)
     * @throws KernelException when the kernel refuses (no TUN support)
     */
    public static void attachToCallingThreadsNamespace(String origin, BooleanSupplier obsolete) {
        int fd = Libc.open("/dev/net/tun", Libc.O_RDWR | Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        try {
            byte[] request = new byte[40];
            byte[] name = DEVICE.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, request, 0, name.length);
            ByteBuffer.wrap(request).order(ByteOrder.nativeOrder()).putShort(16, (short) (Libc.IFF_TUN | Libc.IFF_NO_PI));
            if (Sysctl.exists("net/ipv6/conf/default/accept_dad")) {
                Sysctl.set("net/ipv6/conf/default/accept_dad", "0");
            }
            Libc.ioctl(fd, Libc.TUNSETIFF, request);
            try (NetlinkSocket socket = NetlinkSocket.open()) {
                RouteNetlink routes = new RouteNetlink(socket);
                routes.setUp("lo", true);
                routes.addAddress(DEVICE, SINK4);
                boolean ipv6 = Sysctl.exists("net/ipv6/conf/" + DEVICE + "/disable_ipv6");
                if (ipv6) {
                    routes.addAddress(DEVICE, SINK6);
                }
                routes.setUp(DEVICE, true);
                routes.addDeviceRoute(Cidr.DEFAULT, DEVICE);
                if (ipv6) {
                    routes.addDeviceRoute(Cidr.DEFAULT6, DEVICE);
                }
            }
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
        synchronized (EscapeSink.class) {
            SINKS.add(new Sink(fd, origin, obsolete));
            if (reader == null) {
                reader = HomeNamespace.thread(EscapeSink::read, "netns-escape-sink");
                reader.start();
            }
        }
    }

    private static synchronized List<Sink> current() {
        SINKS.removeIf(sink -> {
            if (sink.obsolete().getAsBoolean()) {
                Libc.close(sink.fd());
                return true;
            }
            return false;
        });
        return List.copyOf(SINKS);
    }

    private static void read() {
        byte[] buffer = new byte[65536];
        while (true) {
            List<Sink> sinks = current();
            int[] polled = new int[sinks.size() * 2];
            for (int i = 0; i < sinks.size(); i++) {
                polled[2 * i] = sinks.get(i).fd();
                polled[2 * i + 1] = Libc.POLLIN;
            }
            try {
                if (sinks.isEmpty()) {
                    Thread.sleep(POLL_MILLIS);
                    continue;
                }
                if (Libc.poll(polled, sinks.size(), POLL_MILLIS) == 0) {
                    continue;
                }
                for (int i = 0; i < sinks.size(); i++) {
                    if ((polled[2 * i + 1] >>> 16 & Libc.POLLIN) != 0) {
                        drain(sinks.get(i), buffer);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "escape sink: " + e.getMessage());
            }
        }
    }

    private static void drain(Sink sink, byte[] buffer) {
        while (true) {
            long length;
            try {
                length = Libc.read(sink.fd(), buffer, buffer.length);
            } catch (KernelException e) {
                return; // EAGAIN: nothing more now
            }
            if (length <= 0) {
                return;
            }
            Optional<SinkPacket> packet = SinkPacket.parse(buffer, (int) length);
            if (packet.isEmpty()) {
                continue;
            }
            SinkPacket caught = packet.get();
            if (caught.opensConnection()) {
                TopologyAddresses.charge(new Escape(caught.protocol(), caught.destination(), caught.destinationPort(),
                        sink.origin(), null));
            }
            if (caught.wantsReset()) {
                byte[] reset = caught.reset();
                try {
                    Libc.write(sink.fd(), reset, reset.length);
                } catch (KernelException e) {
                    LOG.log(System.Logger.Level.DEBUG, "escape sink: reset not sent: " + e.getMessage());
                }
            }
        }
    }
}
