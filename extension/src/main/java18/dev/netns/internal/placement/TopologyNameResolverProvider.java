package dev.netns.internal.placement;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.security.Security;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Java 18+: on a thread living in a namespace of a running topology, {@code InetAddress} resolves
 * that topology's namespace names to their addresses; every other lookup goes to the JDK's
 * built-in resolver unchanged. Found by the JDK through {@code META-INF/services}.
 *
 * <p>The JDK caches answers by name for the whole JVM (30 s by default), which would hand one
 * topology's "blue" to the next; unless the user set a cache policy, this provider turns the
 * name cache off ({@code networkaddress.cache.ttl=0}, {@code networkaddress.cache.negative.ttl=0}).
 */
public final class TopologyNameResolverProvider extends InetAddressResolverProvider {

    /** Created by the JDK's service loader. */
    public TopologyNameResolverProvider() {
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        if (Security.getProperty("networkaddress.cache.ttl") == null && System.getProperty("sun.net.inetaddr.ttl") == null) {
            Security.setProperty("networkaddress.cache.ttl", "0");
        }
        if (System.getProperty("sun.net.inetaddr.negative.ttl") == null) {
            Security.setProperty("networkaddress.cache.negative.ttl", "0");
        }
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                Optional<List<InetAddress>> named = TopologyNames.lookup(host);
                if (named.isEmpty()) {
                    return builtin.lookupByName(host, policy);
                }
                List<InetAddress> allowed = named.get().stream().filter(address -> allows(policy, address)).toList();
                if (allowed.isEmpty()) {
                    throw new UnknownHostException(host + ": no address of the family asked for");
                }
                boolean ipv6First = (policy.characteristics() & LookupPolicy.IPV6_FIRST) != 0;
                return allowed.stream().sorted((a, b) -> Boolean.compare(
                        ipv6First == (a instanceof Inet4Address), ipv6First == (b instanceof Inet4Address)));
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return builtin.lookupByAddress(address);
            }
        };
    }

    private static boolean allows(InetAddressResolver.LookupPolicy policy, InetAddress address) {
        int families = policy.characteristics() & (InetAddressResolver.LookupPolicy.IPV4 | InetAddressResolver.LookupPolicy.IPV6);
        if (families == 0) {
            return true;
        }
        return address instanceof Inet4Address
                ? (families & InetAddressResolver.LookupPolicy.IPV4) != 0
                : (families & InetAddressResolver.LookupPolicy.IPV6) != 0;
    }

    @Override
    public String name() {
        return "netns-junit topology names";
    }
}
