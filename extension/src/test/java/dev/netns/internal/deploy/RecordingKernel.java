package dev.netns.internal.deploy;

import dev.netns.internal.model.Cidr;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.model.TopologyModel.NatSpec;
import dev.netns.internal.model.TopologyModel.PortForwardSpec;
import dev.netns.internal.system.KernelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * A stand-in for the kernel seam that writes every call into a journal shared by all the
 * namespaces of one test, and fails the calls a test names. Work handed to {@link #submit} runs
 * at once, on the caller's thread.
 */
final class RecordingKernel implements NamespaceKernel {

    /** The factory of one test: its journal, its namespaces and the failures it plants. */
    static final class Factory implements NamespaceFactory<RecordingKernel> {

        final List<String> journal = new ArrayList<>();
        final List<RecordingKernel> made = new ArrayList<>();
        private final Map<String, Supplier<? extends Throwable>> failures = new HashMap<>();
        private final Set<String> sysctls = new HashSet<>();

        /** The call {@code "namespace: call"} (as the journal writes it) throws what {@code failure} gives. */
        Factory failing(String call, Supplier<? extends Throwable> failure) {
            failures.put(call, failure);
            return this;
        }

        /** Sysctl {@code key} exists in every namespace (none does otherwise). */
        Factory withSysctl(String key) {
            sysctls.add(key);
            return this;
        }

        @Override
        public RecordingKernel create(String realName, boolean forwarding) {
            RecordingKernel kernel = new RecordingKernel(this, realName);
            made.add(kernel);
            kernel.record("created" + (forwarding ? " (forwarding)" : ""));
            return kernel;
        }

        /** The journal entries of one namespace, without its name. */
        List<String> callsOf(String namespace) {
            return journal.stream().filter(entry -> entry.startsWith(namespace + ": "))
                    .map(entry -> entry.substring(namespace.length() + 2)).toList();
        }
    }

    private final Factory factory;
    private final String realName;
    private boolean closed;

    private RecordingKernel(Factory factory, String realName) {
        this.factory = factory;
        this.realName = realName;
    }

    boolean isClosed() {
        return closed;
    }

    private void record(String call) {
        String entry = realName + ": " + call;
        factory.journal.add(entry);
        Supplier<? extends Throwable> failure = factory.failures.get(entry);
        if (failure != null) {
            Throwable thrown = failure.get();
            if (thrown instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw (Error) thrown;
        }
    }

    @Override
    public String realName() {
        return realName;
    }

    @Override
    public void awaitCreated() {
        record("await");
    }

    @Override
    public <T> Future<T> submit(Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        task.run();
        return task;
    }

    @Override
    public void createVeth(String localName, String peerName, NamespaceKernel peerNamespace) {
        record("veth " + localName + " peer " + peerName + " in " + peerNamespace.realName());
    }

    @Override
    public void createBridge(String name) {
        record("bridge " + name);
    }

    @Override
    public void setMaster(String interfaceName, String bridge) {
        record("master " + interfaceName + " " + bridge);
    }

    @Override
    public void setMtuAndMac(String interfaceName, int mtu, String mac) {
        record("mtu/mac " + interfaceName + " " + mtu + " " + mac);
    }

    @Override
    public void addAddress(String interfaceName, Cidr cidr) {
        record("address " + interfaceName + " " + cidr);
    }

    @Override
    public void setUp(String interfaceName, boolean up) {
        record((up ? "up " : "down ") + interfaceName);
    }

    @Override
    public void addRoute(Cidr destination, IpAddress gateway) {
        record("route " + destination + " via " + gateway);
    }

    @Override
    public void applyNat(List<NatSpec> nats, List<PortForwardSpec> forwards) {
        record("nat " + nats.size() + " masquerade(s), " + forwards.size() + " forward(s)");
    }

    @Override
    public void applyPartitions(Set<IpAddress> dropFrom, Set<IpAddress> rejectTo) {
        record("partitions drop " + dropFrom + " reject " + rejectTo);
    }

    @Override
    public void setSysctl(String key, String value) {
        record("sysctl " + key + "=" + value);
    }

    @Override
    public boolean hasSysctl(String key) {
        return factory.sysctls.contains(key);
    }

    @Override
    public void close() {
        closed = true;
        factory.journal.add(realName + ": closed");
    }

    /** A refusal as the real seam reports one. */
    static KernelException refusal(String action, int errno) {
        return new KernelException(action, errno, null);
    }
}
