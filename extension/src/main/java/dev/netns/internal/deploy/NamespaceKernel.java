package dev.netns.internal.deploy;

import dev.netns.internal.model.Cidr;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.model.TopologyModel.NatSpec;
import dev.netns.internal.model.TopologyModel.PortForwardSpec;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

/**
 * The kernel as one network namespace sees it: every change a topology makes to a namespace
 * goes through here, so that deployment order and rollback can be checked against a recording
 * stand-in, without root.
 *
 * <p>The changes apply to this namespace only, and must run on its own thread: inside
 * {@link #submit}. Refusals are {@code KernelException}s (errno and the kernel's text) or
 * {@code NetnsException}s that already name the cause.
 */
public interface NamespaceKernel {

    /** The unique name of the namespace on this machine. */
    String realName();

    /**
     * Waits until the namespace exists (creation runs in the background so that several
     * namespaces are made at once).
     *
     * @throws RuntimeException when the kernel refused it; the namespace is then closed
     */
    void awaitCreated();

    /** Queues {@code work} for the namespace's own thread, behind earlier work, and returns at once. */
    <T> Future<T> submit(Callable<T> work);

    /** Creates a veth cable: {@code localName} here, {@code peerName} directly inside {@code peerNamespace}. */
    void createVeth(String localName, String peerName, NamespaceKernel peerNamespace);

    /** Creates a bridge whose ports forward at once (no forwarding delay, no kernel STP). */
    void createBridge(String name);

    /** Makes interface {@code interfaceName} a port of {@code bridge}. */
    void setMaster(String interfaceName, String bridge);

    /** Sets the MTU (0: leave it) and MAC address (null: leave it) of an interface. */
    void setMtuAndMac(String interfaceName, int mtu, String mac);

    /** Adds an address with its prefix (either family) to an interface. */
    void addAddress(String interfaceName, Cidr cidr);

    /** Sets an interface administratively up or down. */
    void setUp(String interfaceName, boolean up);

    /** Adds a unicast route in the main table through {@code gateway}. */
    void addRoute(Cidr destination, IpAddress gateway);

    /** Applies the namespace's NAT (masquerades and port forwards) atomically. */
    void applyNat(List<NatSpec> nats, List<PortForwardSpec> forwards);

    /**
     * Replaces the partition rules: the input drops every packet from one of {@code dropFrom},
     * the output rejects every packet to one of {@code rejectTo}.
     */
    void applyPartitions(Set<IpAddress> dropFrom, Set<IpAddress> rejectTo);

    /** Sets a network sysctl of this namespace ({@code key} as under {@code /proc/sys}). */
    void setSysctl(String key, String value);

    /** Whether a sysctl exists here (some appear only with their kernel module). */
    boolean hasSysctl(String key);

    /** Releases the namespace; the kernel removes its interfaces. Safe to call twice. */
    void close();
}
