package dev.netns.internal.netlink;

import static dev.netns.internal.netlink.Rtnetlink.*;

import dev.netns.internal.model.Cidr;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.system.Errno;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Libc;
import java.util.concurrent.atomic.AtomicInteger;


/**
 * The rtnetlink requests a topology needs (links, addresses, routes), sent through one
 * {@link NetlinkSocket} that lives in the namespace being configured.
 */
public final class RouteNetlink {

    private static final int CREATE = Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK
            | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL;
    private static final int CHANGE = Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK;

    /** Interface indexes handed to veth ends: far above what the kernel hands out in a fresh namespace. */
    private static final AtomicInteger NEXT_INDEX = new AtomicInteger(1000);

    private final NetlinkSocket socket;

    public RouteNetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    /**
     * Creates a veth pair: {@code localName} here, {@code peerName} directly inside the namespace
     * open as {@code peerNamespaceFd}, so the peer never appears anywhere else.
     */
    public void createVeth(String localName, String peerName, int peerNamespaceFd) {
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
    public void createBridge(String name) {
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
    public void deleteLink(String name) {
        NetlinkMessage message = new NetlinkMessage(RTM_DELLINK, CHANGE)
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attribute(IFLA_IFNAME, name);
        socket.request(message, "delete " + name);
    }

    /** Sets an interface administratively up or down. */
    public void setUp(String name, boolean up) {
        NetlinkMessage message = new NetlinkMessage(RTM_NEWLINK, CHANGE)
                .ifinfomsg(AF_UNSPEC, 0, up ? IFF_UP : 0, IFF_UP)
                .attribute(IFLA_IFNAME, name);
        socket.request(message, "set " + name + (up ? " up" : " down"));
    }

    /** Makes {@code name} a port of bridge {@code bridge}. */
    public void setMaster(String name, String bridge) {
        NetlinkMessage message = new NetlinkMessage(RTM_NEWLINK, CHANGE)
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attribute(IFLA_IFNAME, name)
                .attributeInt(IFLA_MASTER, indexOf(bridge));
        socket.request(message, "attach " + name + " to bridge " + bridge);
    }

    /** Adds an IPv4 address with its prefix to an interface. */
    public void addAddress(String name, Cidr cidr) {
        NetlinkMessage message = new NetlinkMessage(RTM_NEWADDR, CREATE)
                .ifaddrmsg(family(cidr.address()), cidr.prefixLength(), cidr.isIpv4() ? 0 : IFA_F_NODAD,
                        RT_SCOPE_UNIVERSE, indexOf(name))
                .attribute(IFA_LOCAL, cidr.address().bytes())
                .attribute(IFA_ADDRESS, cidr.address().bytes());
        socket.request(message, "add address " + cidr + " to " + name);
    }

    /** Adds a unicast route in the main table through a gateway. */
    public void addRoute(Cidr destination, IpAddress gateway) {
        NetlinkMessage message = new NetlinkMessage(RTM_NEWROUTE, CREATE)
                .rtmsg(family(gateway), destination.prefixLength(), RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE, RTN_UNICAST);
        if (destination.prefixLength() > 0) {
            message.attribute(RTA_DST, destination.network().bytes());
        }
        message.attribute(RTA_GATEWAY, gateway.bytes());
        socket.request(message, "add route " + destination + " via " + gateway);
    }

    /** Adds a unicast route in the main table straight out of interface {@code name} (no gateway). */
    public void addDeviceRoute(Cidr destination, String name) {
        NetlinkMessage message = new NetlinkMessage(RTM_NEWROUTE, CREATE)
                .rtmsg(family(destination.network()), destination.prefixLength(), RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_LINK,
                        RTN_UNICAST);
        if (destination.prefixLength() > 0) {
            message.attribute(RTA_DST, destination.network().bytes());
        }
        message.attributeInt(RTA_OIF, indexOf(name));
        socket.request(message, "add route " + destination + " dev " + name);
    }

    /**
     * Sets the MTU (0: leave it) and the MAC address (null: leave it) of an interface, before it
     * goes up.
     */
    public void setMtuAndMac(String name, int mtu, String mac) {
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
            if (e.errno() == Errno.EOPNOTSUPP) {
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
            int errno = Libc.lastError();
            throw new KernelException("look up interface " + name, errno == 0 ? Errno.ENODEV : errno, null);
        }
        return index;
    }
}
