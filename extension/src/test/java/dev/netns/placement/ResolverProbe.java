package dev.netns.placement;

import dev.netns.NetNs;
import dev.netns.Topology;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Resolves topology names on threads inside consecutive and parallel topologies (run on Java 18+). */
public final class ResolverProbe {

    private ResolverProbe() {
    }

    private static Topology pair(String prefix) {
        return Topology.builder().namespace("red").namespace("blue")
                .veth("red", prefix + ".1/24", "blue", prefix + ".2/24").start();
    }

    private static String blue(NetNs ns) throws Exception {
        return ns.call(() -> InetAddress.getByName("blue").getHostAddress());
    }

    /** Prints one line per check. */
    public static void main(String[] args) throws Exception {
        try (Topology first = pair("10.35.0")) {
            System.out.println("first red: blue = " + blue(first.namespace("red")));
        }
        try (Topology second = pair("10.36.0")) {
            System.out.println("second red: blue = " + blue(second.namespace("red")));
            ExecutorService pool = Executors.newSingleThreadExecutor(second.namespace("blue").threadFactory());
            System.out.println("threadFactory: red = "
                    + pool.submit(() -> InetAddress.getByName("red").getHostAddress()).get());
            pool.shutdownNow();
        }
        try (Topology a = pair("10.37.0"); Topology b = pair("10.38.0")) {
            System.out.println("parallel a: blue = " + blue(a.namespace("red")) + ", parallel b: blue = " + blue(b.namespace("red")));
            try {
                System.out.println("outside: blue = " + InetAddress.getByName("blue"));
            } catch (UnknownHostException expected) {
                System.out.println("outside: blue unknown");
            }
        }
        try (Topology six = Topology.builder().namespace("red6").namespace("blue6")
                .veth("red6", "fd35::1/64", "blue6", "fd35::2/64").start()) {
            String found = six.namespace("red6").call(() -> Arrays.stream(InetAddress.getAllByName("blue6"))
                    .filter(address -> address instanceof Inet6Address).findFirst().orElseThrow().getHostAddress());
            System.out.println("ipv6: blue6 = " + found);
        }
    }
}
