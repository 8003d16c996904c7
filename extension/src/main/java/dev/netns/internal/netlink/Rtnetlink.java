package dev.netns.internal.netlink;

/**
 * The numbers of rtnetlink ({@code linux/rtnetlink.h}, {@code if_link.h}, {@code if_addr.h},
 * {@code neighbour.h}) that the topology uses, by their C names.
 */
final class Rtnetlink {

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_GETADDR = 22;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_GETROUTE = 26;
    static final int RTM_GETNEIGH = 30;

    /** Interface flags ({@code net/if.h}). */
    static final int IFF_UP = 0x1;
    static final int IFF_LOWER_UP = 0x10000;

    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_MASTER = 10;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_NET_NS_FD = 28;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;
    static final int VETH_INFO_PEER = 1;
    static final int IFLA_BR_FORWARD_DELAY = 1;
    static final int IFLA_BR_STP_STATE = 4;

    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_F_NODAD = 0x02;

    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_TABLE = 15;
    static final int RT_TABLE_MAIN = 254;
    static final int RTPROT_BOOT = 3;
    static final int RT_SCOPE_UNIVERSE = 0;
    static final int RT_SCOPE_LINK = 253;
    static final int RTN_UNICAST = 1;

    static final int NDA_DST = 1;
    static final int NDA_LLADDR = 2;

    /** Length of {@code struct ifinfomsg}. */
    static final int IFINFOMSG_LENGTH = 16;
    /** Length of {@code struct ifaddrmsg}. */
    static final int IFADDRMSG_LENGTH = 8;
    /** Length of {@code struct rtmsg}. */
    static final int RTMSG_LENGTH = 12;
    /** Length of {@code struct ndmsg}. */
    static final int NDMSG_LENGTH = 12;

    private Rtnetlink() {
    }
}
