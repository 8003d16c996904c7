package dev.netns.internal.namespace;

import dev.netns.internal.deploy.NamespaceFactory;
import dev.netns.internal.deploy.NamespaceKernel;
import dev.netns.internal.model.Cidr;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.model.TopologyModel.NatSpec;
import dev.netns.internal.model.TopologyModel.PortForwardSpec;
import dev.netns.internal.netlink.NftRuleset;
import dev.netns.internal.netlink.NftablesNetlink;
import dev.netns.internal.system.KernelException;
import dev.netns.internal.system.Sysctl;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

/**
 * The {@link NamespaceKernel} of the real kernel: one {@link NamespaceThread}, with rtnetlink for
 * links, addresses and routes, nf_tables netlink for NAT and partitions, and {@code /proc/sys}
 * for sysctls, all from the namespace's own thread.
 */
public final class NetlinkNamespaceKernel implements NamespaceKernel {

    private final NamespaceThread thread;

    /** Wraps {@code thread}, which may still be creating its namespace. */
    public NetlinkNamespaceKernel(NamespaceThread thread) {
        this.thread = thread;
    }

    /** Namespaces from the shared pool, or made on the spot when the pool has none ready. */
    public static NamespaceFactory<NetlinkNamespaceKernel> fromPool() {
        return (realName, forwarding) -> new NetlinkNamespaceKernel(NamespacePool.shared().take(realName, forwarding));
    }

    /** The namespace's thread, for everything beyond building the topology (programs, sockets, reads). */
    public NamespaceThread thread() {
        return thread;
    }

    @Override
    public String realName() {
        return thread.realName();
    }

    @Override
    public void awaitCreated() {
        thread.await();
    }

    @Override
    public <T> Future<T> submit(Callable<T> work) {
        return thread.submit(work);
    }

    @Override
    public void createVeth(String localName, String peerName, NamespaceKernel peerNamespace) {
        // every namespace of a topology comes from the same factory, so the peer is one of ours
        int peerFd = ((NetlinkNamespaceKernel) peerNamespace).thread.fd();
        thread.routeNetlink().createVeth(localName, peerName, peerFd);
    }

    @Override
    public void createBridge(String name) {
        thread.routeNetlink().createBridge(name);
    }

    @Override
    public void setMaster(String interfaceName, String bridge) {
        thread.routeNetlink().setMaster(interfaceName, bridge);
    }

    @Override
    public void setMtuAndMac(String interfaceName, int mtu, String mac) {
        thread.routeNetlink().setMtuAndMac(interfaceName, mtu, mac);
    }

    @Override
    public void addAddress(String interfaceName, Cidr cidr) {
        thread.routeNetlink().addAddress(interfaceName, cidr);
    }

    @Override
    public void setUp(String interfaceName, boolean up) {
        thread.routeNetlink().setUp(interfaceName, up);
    }

    @Override
    public void addRoute(Cidr destination, IpAddress gateway) {
        thread.routeNetlink().addRoute(destination, gateway);
    }

    @Override
    public void applyNat(List<NatSpec> nats, List<PortForwardSpec> forwards) {
        try {
            NftablesNetlink.apply(nats, forwards);
        } catch (KernelException e) {
            throw e.withDetail("the refused ruleset, as nft would print it:\n" + NftRuleset.render(nats, forwards));
        }
    }

    @Override
    public void applyPartitions(Set<IpAddress> dropFrom, Set<IpAddress> rejectTo) {
        NftablesNetlink.applyPartitions(dropFrom, rejectTo);
    }

    @Override
    public void setSysctl(String key, String value) {
        Sysctl.set(key, value);
    }

    @Override
    public boolean hasSysctl(String key) {
        return Sysctl.exists(key);
    }

    @Override
    public void close() {
        thread.close();
    }
}
