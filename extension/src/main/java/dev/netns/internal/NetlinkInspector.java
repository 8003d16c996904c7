package dev.netns.internal;

import dev.netns.internal.model.IpAddress;

import dev.netns.AddressInfo;
import dev.netns.LinkInfo;
import dev.netns.NeighbourInfo;
import dev.netns.RouteInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a namespace's links, addresses, routes and neighbours with rtnetlink dumps, through the
 * socket of that namespace. To be used on the namespace's own thread.
 */
final class NetlinkInspector {

    private static final int AF_UNSPEC = 0;
    private static final int RTM_GETLINK = 18;
    private static final int RTM_GETADDR = 22;
    private static final int RTM_GETROUTE = 26;
    private static final int RTM_GETNEIGH = 30;
    private static final int DUMP = NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_DUMP;
    private static final int IFF_UP = 0x1;
    private static final int IFF_LOWER_UP = 0x10000;
    private static final int RT_TABLE_MAIN = 254;
    private static final int RTN_UNICAST = 1;

    private final NetlinkSocket socket;

    NetlinkInspector(NetlinkSocket socket) {
        this.socket = socket;
    }

    List<LinkInfo> links() {
        List<int[]> masters = new ArrayList<>();
        Map<Integer, LinkInfo> byIndex = new LinkedHashMap<>();
        for (ByteBuffer message : socket.dump(new NetlinkMessage(RTM_GETLINK, DUMP).ifinfomsg(AF_UNSPEC, 0, 0, 0), "list links")) {
            int start = message.position();
            int index = message.getInt(start + 4);
            int flags = message.getInt(start + 8);
            Map<Integer, byte[]> attributes = attributes(message, start + 16);
            String kind = "";
            byte[] linkInfo = attributes.get(18);
            if (linkInfo != null) {
                byte[] kindBytes = attributes(ByteBuffer.wrap(linkInfo).order(ByteOrder.nativeOrder()), 0).get(1);
                kind = kindBytes == null ? "" : text(kindBytes);
            }
            byte[] master = attributes.get(10);
            if (master != null) {
                masters.add(new int[] {index, integer(master)});
            }
            byIndex.put(index, new LinkInfo(index, text(attributes.get(3)), kind, (flags & IFF_UP) != 0,
                    (flags & IFF_LOWER_UP) != 0, mac(attributes.get(1)), integer(attributes.get(4)), null));
        }
        for (int[] port : masters) {
            LinkInfo link = byIndex.get(port[0]);
            LinkInfo bridge = byIndex.get(port[1]);
            if (link != null && bridge != null) {
                byIndex.put(port[0], new LinkInfo(link.index(), link.name(), link.kind(), link.up(), link.lowerUp(),
                        link.mac(), link.mtu(), bridge.name()));
            }
        }
        return List.copyOf(byIndex.values());
    }

    List<AddressInfo> addresses() {
        Map<Integer, String> names = names();
        List<AddressInfo> addresses = new ArrayList<>();
        for (ByteBuffer message : socket.dump(new NetlinkMessage(RTM_GETADDR, DUMP).ifaddrmsg(AF_UNSPEC, 0, 0, 0, 0), "list addresses")) {
            int start = message.position();
            int prefix = message.get(start + 1) & 0xff;
            int index = message.getInt(start + 4);
            Map<Integer, byte[]> attributes = attributes(message, start + 8);
            byte[] local = attributes.getOrDefault(2, attributes.get(1));
            addresses.add(new AddressInfo(names.getOrDefault(index, "#" + index), ip(local) + "/" + prefix));
        }
        return addresses;
    }

    List<RouteInfo> routes() {
        Map<Integer, String> names = names();
        List<RouteInfo> routes = new ArrayList<>();
        for (ByteBuffer message : socket.dump(new NetlinkMessage(RTM_GETROUTE, DUMP).rtmsg(AF_UNSPEC, 0, 0, 0, 0, 0), "list routes")) {
            int start = message.position();
            int destinationLength = message.get(start + 1) & 0xff;
            int table = message.get(start + 4) & 0xff;
            int type = message.get(start + 7) & 0xff;
            Map<Integer, byte[]> attributes = attributes(message, start + 12);
            if (attributes.containsKey(15)) {
                table = integer(attributes.get(15));
            }
            if (table != RT_TABLE_MAIN || type != RTN_UNICAST) {
                continue;
            }
            String destination = destinationLength == 0 ? "default" : ip(attributes.get(1)) + "/" + destinationLength;
            byte[] gateway = attributes.get(5);
            byte[] outInterface = attributes.get(4);
            routes.add(new RouteInfo(destination, gateway == null ? null : ip(gateway),
                    outInterface == null ? "?" : names.getOrDefault(integer(outInterface), "#" + integer(outInterface))));
        }
        return routes;
    }

    List<NeighbourInfo> neighbours() {
        Map<Integer, String> names = names();
        List<NeighbourInfo> neighbours = new ArrayList<>();
        for (ByteBuffer message : socket.dump(new NetlinkMessage(RTM_GETNEIGH, DUMP).ndmsg(AF_UNSPEC), "list neighbours")) {
            int start = message.position();
            int index = message.getInt(start + 4);
            int state = message.getShort(start + 8) & 0xffff;
            Map<Integer, byte[]> attributes = attributes(message, start + 12);
            byte[] destination = attributes.get(1);
            if (destination == null || (destination.length != 4 && destination.length != 16)
                    || IpAddress.of(destination).isMulticast()) {
                continue;
            }
            byte[] mac = attributes.get(2);
            neighbours.add(new NeighbourInfo(ip(destination), mac == null ? null : mac(mac),
                    names.getOrDefault(index, "#" + index), neighbourState(state)));
        }
        return neighbours;
    }

    private Map<Integer, String> names() {
        Map<Integer, String> names = new HashMap<>();
        links().forEach(link -> names.put(link.index(), link.name()));
        return names;
    }

    private static Map<Integer, byte[]> attributes(ByteBuffer buffer, int offset) {
        Map<Integer, byte[]> attributes = new HashMap<>();
        int end = buffer.limit();
        while (offset + 4 <= end) {
            int length = buffer.getShort(offset) & 0xffff;
            int type = buffer.getShort(offset + 2) & 0x3fff;
            if (length < 4 || offset + length > end) {
                break;
            }
            byte[] value = new byte[length - 4];
            buffer.get(offset + 4, value);
            attributes.putIfAbsent(type, value);
            offset += NetlinkSocket.align(length);
        }
        return attributes;
    }

    private static String text(byte[] bytes) {
        if (bytes == null) {
            return "";
        }
        int length = 0;
        while (length < bytes.length && bytes[length] != 0) {
            length++;
        }
        return new String(bytes, 0, length, StandardCharsets.US_ASCII);
    }

    private static int integer(byte[] bytes) {
        return bytes == null ? 0 : ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getInt();
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
        String[] names = {"INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "NOARP", "PERMANENT"};
        for (int bit = 0; bit < names.length; bit++) {
            if ((state & (1 << bit)) != 0) {
                return names[bit];
            }
        }
        return "NONE";
    }
}
