package dev.netns.internal;

import dev.netns.internal.model.Cidr;
import dev.netns.internal.model.IpAddress;

/**
 * The rtnetlink requests a topology needs (links, addresses, routes), sent through one
 * {@link NetlinkSocket} that lives in the namespace being configured.
 */
final class RouteNetlink {

    private static final int AF_UNSPEC = 0;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int IFA_F_NODAD = 0x02;
    private static final int IFLA_ADDRESS = 1;
    private static final int IFLA_MTU = 4;
    private static final int RTM_NEWLINK = 16;
    private static final int RTM_NEWADDR = 20;
    private static final int RTM_DELLINK = 17;
    private static final int RTM_NEWROUTE = 24;
    private static final int IFLA_IFNAME = 3;
    private static final int IFLA_MASTER = 10;
    private static final int IFLA_LINKINFO = 18;
    private static final int IFLA_NET_NS_FD = 28;
    private static final int IFLA_INFO_KIND = 1;
    private static final int IFLA_INFO_DATA = 2;
    private static final int VETH_INFO_PEER = 1;
    private static final int IFLA_BR_FORWARD_DELAY = 1;
    private static final int IFLA_BR_STP_STATE = 4;
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;
    private static final int RTA_DST = 1;
    private static final int RTA_GATEWAY = 5;
    private static final int RT_TABLE_MAIN = 254;
    private static final int RTPROT_BOOT = 3;
    private static final int RT_SCOPE_UNIVERSE = 0;
    private static final int RTN_UNICAST = 1;
    private static final int IFF_UP = 1;
    private static final int CREATE = NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK
            | NetlinkSocket.NLM_F_CREATE | NetlinkSocket.NLM_F_EXCL;
    private static final int CHANGE = NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK;

    /** Interface indexes handed to veth ends: far above what the kernel hands out in a fresh namespace. */
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_INDEX = new java.util.concurrent.atomic.AtomicInteger(1000);

    private final NetlinkSocket socket;

    RouteNetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    /**
     * Creates a veth pair: {@code localName} here, {@code peerName} directly inside the namespace
     * open as {@code peerNamespaceFd}, so the peer never appears anywhere else.
     */
    void createVeth(String localName, String peerName, int peerNamespaceFd) {
        // Two ends with the same index in their two namespaces (both are often 2) make the kernel treat
        // their carrier changes as not urgent, which delays them by up to a second and with them IPv6
        // on the link; indexes unique across the JVM avoid that.
        int localIndex = NEXT_INDEX.getAndAdd(2);
        NetlinkMessage message = new NetlinkMessage(RTM_NEWLINK, CREATE)
                .ifinfomsg(AF_UNSPEC, localIndex, 0, 0)
                .attribute(IFLA_IFNAME, localName)
                .begin(IFLA_LINKINFO)
                .attribute(IFLA_INFO_KIND, "veth")
                .begin(IFLA_INFO_DATA)
                .begin(VETH_INFO_PEER)
                .ifinfomsg(AF_UNSPEC, localIndex + 1, 0, 0)
                .attribute(IFLA_IFNAME, peerName)
                .attributeInt(IFLA_NET_NS_FD, peerNamespaceFd)
                .end()
                .end()
                .end();
        requestNeedingModule(message, "create veth " + localName + " with peer " + peerName, "veth");
    }

    /**
     * Creates a bridge with the kernel's spanning tree off and no forwarding delay, so ports forward
     * at once; loops of {@code stp} bridges are broken by taking a port down.
     */
    void createBridge(String name) {
        NetlinkMessage message = new NetlinkMessage(RTM_NEWLINK, CREATE)
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attribute(IFLA_IFNAME, name)
                .begin(IFLA_LINKINFO)
                .attribute(IFLA_INFO_KIND, "bridge")
                .begin(IFLA_INFO_DATA)
                .attributeInt(IFLA_BR_FORWARD_DELAY, 0)
                .attributeInt(IFLA_BR_STP_STATE, 0)
                .end()
                .end();
        requestNeedingModule(message, "create bridge " + name, "bridge");
    }

    /** Deletes an interface (a veth takes its peer with it). */
    void deleteLink(String name) {
        NetlinkMessage message = new NetlinkMessage(RTM_DELLINK, CHANGE)
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attribute(IFLA_IFNAME, name);
        socket.request(message, "delete " + name);
    }

    /** Sets an interface administratively up or down. */
    void setUp(String name, boolean up) {
        NetlinkMessage message = new NetlinkMessage(RTM_NEWLINK, CHANGE)
                .ifinfomsg(AF_UNSPEC, 0, up ? IFF_UP : 0, IFF_UP)
                .attribute(IFLA_IFNAME, name);
        socket.request(message, "set " + name + (up ? " up" : " down"));
    }

    /** Makes {@code name} a port of bridge {@code bridge}. */
    void setMaster(String name, String bridge) {
        NetlinkMessage message = new NetlinkMessage(RTM_NEWLINK, CHANGE)
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attribute(IFLA_IFNAME, name)
                .attributeInt(IFLA_MASTER, indexOf(bridge));
        socket.request(message, "attach " + name + " to bridge " + bridge);
    }

    /** Adds an IPv4 address with its prefix to an interface. */
    void addAddress(String name, Cidr cidr) {
        NetlinkMessage message = new NetlinkMessage(RTM_NEWADDR, CREATE)
                .ifaddrmsg(family(cidr.address()), cidr.prefixLength(), cidr.isIpv4() ? 0 : IFA_F_NODAD,
                        RT_SCOPE_UNIVERSE, indexOf(name))
                .attribute(IFA_LOCAL, cidr.address().bytes())
                .attribute(IFA_ADDRESS, cidr.address().bytes());
        socket.request(message, "add address " + cidr + " to " + name);
    }

    /** Adds a unicast route in the main table through a gateway. */
    void addRoute(Cidr destination, IpAddress gateway) {
        NetlinkMessage message = new NetlinkMessage(RTM_NEWROUTE, CREATE)
                .rtmsg(family(gateway), destination.prefixLength(), RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE, RTN_UNICAST);
        if (destination.prefixLength() > 0) {
            message.attribute(RTA_DST, destination.network().bytes());
        }
        message.attribute(RTA_GATEWAY, gateway.bytes());
        socket.request(message, "add route " + destination + " via " + gateway);
    }

    /**
     * Sets the MTU (0: leave it) and the MAC address (null: leave it) of an interface, before it
     * goes up.
     */
    void setMtuAndMac(String name, int mtu, String mac) {
        NetlinkMessage message = new NetlinkMessage(RTM_NEWLINK, CHANGE)
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attribute(IFLA_IFNAME, name);
        if (mtu != 0) {
            message.attributeInt(IFLA_MTU, mtu);
        }
        if (mac != null) {
            message.attribute(IFLA_ADDRESS, macBytes(mac));
        }
        socket.request(message, "set " + (mtu != 0 ? "MTU " + mtu + " " : "") + (mac != null ? "MAC " + mac + " " : "")
                + "on " + name);
    }

    private static byte[] macBytes(String mac) {
        byte[] bytes = new byte[6];
        for (int i = 0; i < 6; i++) {
            bytes[i] = (byte) Integer.parseInt(mac.substring(3 * i, 3 * i + 2), 16);
        }
        return bytes;
    }

    private static int family(IpAddress address) {
        return address.isIpv4() ? AF_INET : AF_INET6;
    }

    private void requestNeedingModule(NetlinkMessage message, String action, String module) {
        try {
            socket.request(message, action);
        } catch (KernelException e) {
            if (e.errno() == 95) {
                throw new KernelException(action + " (this kernel has no " + module + " support: modprobe " + module + ")",
                        e.errno(), null);
            }
            throw e;
        }
    }

    private static int indexOf(String name) {
        int index = Libc.if_nametoindex(name);
        if (index == 0) {
            // if_nametoindex opens a socket: out of descriptors (EMFILE) is not "no such device"
            int errno = com.sun.jna.Native.getLastError();
            throw new KernelException("look up interface " + name, errno == 0 ? 19 : errno, null);
        }
        return index;
    }
}
