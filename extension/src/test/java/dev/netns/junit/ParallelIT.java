package dev.netns.junit;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.netns.LinkInfo;
import dev.netns.NetNs;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Two classes declaring the same logical names and addresses, run concurrently, never see each other. */
class ParallelIT {

    static final Set<String> PEERS_SEEN = ConcurrentHashMap.newKeySet();

    @Test
    void sameNamesInConcurrentClassesNeverInterfere() {
        PEERS_SEEN.clear();

        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(FirstCase.class), selectClass(SecondCase.class))
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "4")
                .execute()
                .testEvents()
                .assertStatistics(stats -> stats.started(40).succeeded(40));

        assertThat(PEERS_SEEN).as("every test talked to its own blue, each with its own MAC address").hasSize(40);
    }

    /** Checks that red's neighbour 10.9.0.2 is this topology's blue, then records blue's MAC. */
    static void talkToOwnBlue(NetNs red, NetNs blue) {
        assertThat(red).canPing(blue);
        String blueMac = blue.links().stream().filter(link -> link.name().equals("eth0")).map(LinkInfo::mac)
                .findFirst().orElseThrow();
        assertThat(red.neighbours()).anySatisfy(neighbour -> {
            assertThat(neighbour.address()).isEqualTo("10.9.0.2");
            assertThat(neighbour.mac()).isEqualTo(blueMac);
        });
        assertThat(red.links()).extracting(LinkInfo::name).containsExactly("lo", "eth0");
        assertThat(PEERS_SEEN.add(blueMac)).as("no other test saw this blue").isTrue();
    }

    @NetnsTest
    @Namespace("red")
    @Namespace("blue")
    @VethPair(left = "red", leftAddress = "10.9.0.1/24", right = "blue", rightAddress = "10.9.0.2/24")
    static class FirstCase {

        @RepeatedTest(20)
        void test(@Namespace("red") NetNs red, @Namespace("blue") NetNs blue) {
            talkToOwnBlue(red, blue);
        }
    }

    @NetnsTest
    @Namespace("red")
    @Namespace("blue")
    @VethPair(left = "red", leftAddress = "10.9.0.1/24", right = "blue", rightAddress = "10.9.0.2/24")
    static class SecondCase {

        @RepeatedTest(20)
        void test(@Namespace("red") NetNs red, @Namespace("blue") NetNs blue) {
            talkToOwnBlue(red, blue);
        }
    }
}
