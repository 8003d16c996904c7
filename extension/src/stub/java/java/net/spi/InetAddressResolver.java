// A stub of the Java 18 API, only to compile TopologyNameResolverProvider with a Java 17 compiler
// (javac --patch-module java.base=...); never packaged: at run time the JDK's own class is used.
package java.net.spi;
import java.net.InetAddress; import java.net.UnknownHostException; import java.util.stream.Stream;
public interface InetAddressResolver {
    Stream<InetAddress> lookupByName(String host, LookupPolicy lookupPolicy) throws UnknownHostException;
    String lookupByAddress(byte[] addr) throws UnknownHostException;
    final class LookupPolicy { public static final int IPV4 = 1 << 0; public static final int IPV6 = 1 << 1; public static final int IPV4_FIRST = 1 << 2; public static final int IPV6_FIRST = 1 << 3; private LookupPolicy() {} public static LookupPolicy of(int c) { return null; } public int characteristics() { return 0; } }
}
