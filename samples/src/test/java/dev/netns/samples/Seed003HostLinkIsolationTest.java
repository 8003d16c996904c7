package dev.netns.samples;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.ExecResult;
import dev.netns.NetNs;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.VethPair;
import org.junit.jupiter.api.Test;

/**
 * Seed 003: namespace Blue linked to the host (vetha on the host, vethb in Blue). Both reach
 * each other, but Blue is a separate routing entity: the host's other network (10.10.10.0/24,
 * here a namespace "office") is unreachable from Blue.
 */
@NetnsTest
@Namespace("Blue")
@Namespace("office")
@VethPair(left = "host:vetha", leftAddress = "192.168.100.1/24", right = "Blue:vethb", rightAddress = "192.168.100.2/24")
@VethPair(left = "host:ens32", leftAddress = "10.10.10.21/24", right = "office", rightAddress = "10.10.10.1/24")
class Seed003HostLinkIsolationTest {

    @Test
    void hostAndBlueReachEachOther(@Namespace("host") NetNs host, @Namespace("Blue") NetNs blue) {
        assertThat(host).canPing("192.168.100.2");
        assertThat(blue).canPing("192.168.100.1");
    }

    @Test
    void blueHasItsOwnRoutingTable(@Namespace("Blue") NetNs blue) {
        assertThat(blue.exec("ip", "route").stdout().strip())
                .isEqualTo("192.168.100.0/24 dev vethb proto kernel scope link src 192.168.100.2");
    }

    @Test
    void theHostReachesItsOtherNetworkButBlueCannot(@Namespace("host") NetNs host, @Namespace("Blue") NetNs blue) {
        assertThat(host).canPing("10.10.10.1");

        ExecResult fromBlue = blue.exec("ping", "-c", "1", "-W", "1", "10.10.10.1");

        assertThat(fromBlue.succeeded()).isFalse();
        assertThat(fromBlue.stderr()).contains("Network is unreachable");
    }
}
