// A stub of the Java 18 API, only to compile TopologyNameResolverProvider with a Java 17 compiler
// (javac --patch-module java.base=...); never packaged: at run time the JDK's own class is used.
package java.net.spi;
public abstract class InetAddressResolverProvider {
    protected InetAddressResolverProvider() {}
    public abstract InetAddressResolver get(Configuration configuration);
    public abstract String name();
    public interface Configuration { InetAddressResolver builtinResolver(); String lookupLocalHostName(); }
}
