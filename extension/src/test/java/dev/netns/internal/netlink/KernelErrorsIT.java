package dev.netns.internal.netlink;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netns.internal.model.Cidr;
import dev.netns.internal.model.IpAddress;
import dev.netns.internal.namespace.NamespaceThread;
import dev.netns.internal.system.KernelException;
import org.junit.jupiter.api.Test;

/** Refusals by the kernel carry errno and the extended-ack text. */
class KernelErrorsIT {

    @Test
    void extendedAckTextReachesTheException() throws Exception {
        try (NamespaceThread namespace = NamespaceThread.start("netns-junit-test-errors")) {
            assertThatThrownBy(() -> namespace.run(() -> {
                namespace.routeNetlink().addRoute(Cidr.parse("192.168.1.0/24"), IpAddress.parse("10.9.9.9"));
                return null;
            }))
                    .isInstanceOf(KernelException.class)
                    .hasMessageContaining("add route 192.168.1.0/24 via 10.9.9.9")
                    .hasMessageContaining("errno")
                    .hasMessageContaining("kernel says: Nexthop has invalid gateway");
        }
    }

    @Test
    void duplicateInterfaceNameIsFileExists() throws Exception {
        try (NamespaceThread left = NamespaceThread.start("netns-junit-test-left");
             NamespaceThread right = NamespaceThread.start("netns-junit-test-right")) {
            left.run(() -> {
                left.routeNetlink().createVeth("a", "b", right.fd());
                return null;
            });
            assertThatThrownBy(() -> left.run(() -> {
                left.routeNetlink().createVeth("a", "c", right.fd());
                return null;
            })).isInstanceOf(KernelException.class).hasMessageContaining("File exists (errno 17)");
        }
    }
}
