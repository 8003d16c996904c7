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
 * Seed 000 and the first half of 004: two namespaces, red and blue, joined by one veth cable
 * whose ends are named veth-red and veth-blue.
 */
@NetnsTest
@Namespace("red")
@Namespace("blue")
@VethPair(left = "red:veth-red", leftAddress = "192.168.15.1/24",
          right = "blue:veth-blue", rightAddress = "192.168.15.2/24")
class Seed000VethPairTest {

    @Test
    void redAndBlueReachEachOther(@Namespace("red") NetNs red, @Namespace("blue") NetNs blue) {
        assertThat(red).canPing(blue);
        assertThat(blue).canPing(red);
    }

    @Test
    void eachEndLivesInItsOwnNamespaceAndIsUp(@Namespace("red") NetNs red, @Namespace("blue") NetNs blue) {
        ExecResult redLinks = red.exec("ip", "-brief", "link");

        assertThat(redLinks.stdout()).contains("veth-red").doesNotContain("veth-blue");
        assertThat(redLinks.stdout()).containsPattern("veth-red@\\S+\\s+UP");
        assertThat(blue.exec("ip", "-brief", "address").stdout()).contains("192.168.15.2/24");
    }

    @Test
    void loopbackIsUpInEveryNamespace(@Namespace("red") NetNs red) {
        assertThat(red).canPing("127.0.0.1");
    }
}
