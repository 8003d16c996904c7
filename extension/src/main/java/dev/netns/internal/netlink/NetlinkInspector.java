package dev.netns.internal.netlink;

import static dev.netns.internal.netlink.Rtnetlink.*;

import dev.netns.AddressInfo;
import dev.netns.LinkInfo;
import dev.netns.NeighbourInfo;
import dev.netns.RouteInfo;
import dev.netns.internal.model.IpAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a namespace's links, addresses, routes and neighbours with rtnetlink dumps, through the
 * socket of that namespace. To be used on the namespace's own thread. The decoding of the dumped
 * messages is pure ({@code decode...}), so it is tested on recorded bytes.
 */
public final class NetlinkInspector {

    private static final int DUMP = Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP;
    private static final String[] NEIGHBOUR_STATES =
            {"INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "NOARP", "PERMANENT"};

    private final NetlinkSocket socket;

    /** Reads through {@code socket}, which lives in the namespace to read. */
    public NetlinkInspector(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** The namespace's interfaces. */
    public List<LinkInfo> links() {
        return decodeLinks(socket.dump(new NetlinkMessage(RTM_GETLINK, DUMP).ifinfomsg(AF_UNSPEC, 0, 0, 0), "list links"));
    }

    /** The namespace's addresses, both families. */
    public List<AddressInfo> addresses() {
        List<ByteBuffer> dump = socket.dump(new NetlinkMessage(RTM_GETADDR, DUMP).ifaddrmsg(AF_UNSPEC, 0, 0, 0, 0),
                "list addresses");
        return decodeAddresses(dump, names());
    }

    /** The unicast routes of the main table, both families. */
    public List<RouteInfo> routes() {
        List<ByteBuffer> dump = socket.dump(new NetlinkMessage(RTM_GETROUTE, DUMP).rtmsg(AF_UNSPEC, 0, 0, 0, 0, 0),
                "list routes");
        return decodeRoutes(dump, names());
    }

    /** The neighbour (ARP and NDP) entries, without multicast ones. */
    public List<NeighbourInfo> neighbours() {
        List<ByteBuffer> dump = socket.dump(new NetlinkMessage(RTM_GETNEIGH, DUMP).ndmsg(AF_UNSPEC), "list neighbours");
        return decodeNeighbours(dump, names());
    }

    private Map<Integer, String> names() {
        Map<Integer, String> names = new HashMap<>();
        links().forEach(link -> names.put(link.index(), link.name()));
        return names;
    }

    /** Decodes {@code RTM_NEWLINK} payloads; a bridge port names its bridge. */
    static List<LinkInfo> decodeLinks(List<ByteBuffer> payloads) {
        Map<Integer, Integer> masters = new HashMap<>();
        Map<Integer, LinkInfo> byIndex = new LinkedHashMap<>();
        for (ByteBuffer payload : payloads) {
            int index = payload.getInt(4);
            int flags = payload.getInt(8);
            NetlinkAttributes attributes = NetlinkAttributes.parse(payload, IFINFOMSG_LENGTH);
            String kind = attributes.nested(IFLA_LINKINFO).text(IFLA_INFO_KIND);
            if (attributes.has(IFLA_MASTER)) {
                masters.put(index, attributes.integer(IFLA_MASTER));
            }
            byIndex.put(index, new LinkInfo(index, attributes.text(IFLA_IFNAME), kind, (flags & IFF_UP) != 0,
                    (flags & IFF_LOWER_UP) != 0, mac(attributes.bytes(IFLA_ADDRESS)), attributes.integer(IFLA_MTU), null));
        }
        masters.forEach((port, master) -> {
            LinkInfo link = byIndex.get(port);
            LinkInfo bridge = byIndex.get(master);
            if (link != null && bridge != null) {
                byIndex.put(port, new LinkInfo(link.index(), link.name(), link.kind(), link.up(), link.lowerUp(),
                        link.mac(), link.mtu(), bridge.name()));
            }
        });
        return List.copyOf(byIndex.values());
    }

    /** Decodes {@code RTM_NEWADDR} payloads. */
    static List<AddressInfo> decodeAddresses(List<ByteBuffer> payloads, Map<Integer, String> names) {
        List<AddressInfo> addresses = new ArrayList<>();
        for (ByteBuffer payload : payloads) {
            int prefix = payload.get(1) & 0xff;
            int index = payload.getInt(4);
            NetlinkAttributes attributes = NetlinkAttributes.parse(payload, IFADDRMSG_LENGTH);
            byte[] local = attributes.has(IFA_LOCAL) ? attributes.bytes(IFA_LOCAL) : attributes.bytes(IFA_ADDRESS);
            addresses.add(new AddressInfo(name(names, index), ip(local) + "/" + prefix));
        }
        return addresses;
    }

    /** Decodes {@code RTM_NEWROUTE} payloads, keeping unicast routes of the main table. */
    static List<RouteInfo> decodeRoutes(List<ByteBuffer> payloads, Map<Integer, String> names) {
        List<RouteInfo> routes = new ArrayList<>();
        for (ByteBuffer payload : payloads) {
            int destinationLength = payload.get(1) & 0xff;
            int table = payload.get(4) & 0xff;
            int type = payload.get(7) & 0xff;
            NetlinkAttributes attributes = NetlinkAttributes.parse(payload, RTMSG_LENGTH);
            if (attributes.has(RTA_TABLE)) {
                table = attributes.integer(RTA_TABLE);
            }
            if (table != RT_TABLE_MAIN || type != RTN_UNICAST) {
                continue;
            }
            String destination = destinationLength == 0 ? "default" : ip(attributes.bytes(RTA_DST)) + "/" + destinationLength;
            byte[] gateway = attributes.bytes(RTA_GATEWAY);
            routes.add(new RouteInfo(destination, gateway == null ? null : ip(gateway),
                    attributes.has(RTA_OIF) ? name(names, attributes.integer(RTA_OIF)) : "?"));
        }
        return routes;
    }

    /** Decodes {@code RTM_NEWNEIGH} payloads, leaving out multicast entries. */
    static List<NeighbourInfo> decodeNeighbours(List<ByteBuffer> payloads, Map<Integer, String> names) {
        List<NeighbourInfo> neighbours = new ArrayList<>();
        for (ByteBuffer payload : payloads) {
            int index = payload.getInt(4);
            int state = payload.getShort(8) & 0xffff;
            NetlinkAttributes attributes = NetlinkAttributes.parse(payload, NDMSG_LENGTH);
            byte[] destination = attributes.bytes(NDA_DST);
            if (destination == null || (destination.length != 4 && destination.length != 16)
                    || IpAddress.of(destination).isMulticast()) {
                continue;
            }
            byte[] mac = attributes.bytes(NDA_LLADDR);
            neighbours.add(new NeighbourInfo(ip(destination), mac == null ? null : mac(mac), name(names, index),
                    neighbourState(state)));
        }
        return neighbours;
    }

    private static String name(Map<Integer, String> names, int index) {
        return names.getOrDefault(index, "#" + index);
    }

    private static String ip(byte[] bytes) {
        return IpAddress.of(bytes).toString();
    }

    private static String mac(byte[] bytes) {
        if (bytes == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            if (text.length() > 0) {
                text.append(':');
            }
            text.append(String.format("%02x", b & 0xff));
        }
        return text.toString();
    }

    private static String neighbourState(int state) {
        for (int bit = 0; bit < NEIGHBOUR_STATES.length; bit++) {
            if ((state & (1 << bit)) != 0) {
                return NEIGHBOUR_STATES[bit];
            }
        }
        return "NONE";
    }
}
