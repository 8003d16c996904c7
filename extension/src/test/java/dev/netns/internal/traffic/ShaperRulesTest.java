package dev.netns.internal.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.Impairment;
import dev.netns.internal.model.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which rule a frame gets, and which filters redirect it, without root. */
class ShaperRulesTest {

    private static final byte[] A = IpAddress.parse("10.9.0.1").bytes();
    private static final byte[] B = IpAddress.parse("10.9.0.2").bytes();
    private static final byte[] C = IpAddress.parse("10.9.0.3").bytes();

    @Test
    void aPairRuleTakesOnlyItsPairAndPrecedesTheLinksOwn() {
        ShaperRule pair = rule("b", List.of(A), List.of(B));
        ShaperRule link = rule("link", List.of(), List.of());
        ShaperRules onlyPair = new ShaperRules(null, List.of(pair));
        assertThat(onlyPair.select(ipv4(A, B), 60)).isSameAs(pair);
        assertThat(onlyPair.select(ipv4(A, C), 60)).isNull();
        assertThat(onlyPair.select(ipv4(C, B), 60)).isNull();
        assertThat(onlyPair.select(new byte[60], 60)).as("not IP").isNull();

        ShaperRules both = new ShaperRules(link, List.of(pair));
        assertThat(both.select(ipv4(A, B), 60)).isSameAs(pair);
        assertThat(both.select(ipv4(A, C), 60)).isSameAs(link);
    }

    @Test
    void filtersMatchEachPairsAddressesOrEverythingForTheLinksOwn() {
        byte[] a6 = IpAddress.parse("fd00::1").bytes();
        byte[] b6 = IpAddress.parse("fd00::2").bytes();
        ShaperRules pairs = new ShaperRules(null, List.of(rule("b", List.of(A, a6), List.of(B, b6))));
        assertThat(ShaperFilters.of(pairs)).containsExactly(
                List.of("protocol", "ip", "u32", "match", "ip", "src", "10.9.0.1/32", "match", "ip", "dst", "10.9.0.2/32"),
                List.of("protocol", "ipv6", "u32", "match", "ip6", "src", "fd00::1/128", "match", "ip6", "dst", "fd00::2/128"));
        ShaperRules link = new ShaperRules(rule("link", List.of(), List.of(), Impairment.builder().loss(1).seed(1).build()),
                pairs.pairs());
        assertThat(ShaperFilters.of(link)).containsExactly(List.of("protocol", "all", "u32", "match", "u32", "0", "0"));
        ShaperRules empty = new ShaperRules(rule("link", List.of(), List.of()), List.of());
        assertThat(ShaperFilters.of(empty)).as("an empty impairment leaves everything in the kernel").isEmpty();
        assertThat(ShaperFilters.of(ShaperRules.NONE)).isEmpty();
    }

    private static ShaperRule rule(String name, List<byte[]> sources, List<byte[]> destinations) {
        return rule(name, sources, destinations, Impairment.builder().seed(1).build());
    }

    private static ShaperRule rule(String name, List<byte[]> sources, List<byte[]> destinations, Impairment impairment) {
        return new ShaperRule(name, impairment, new ShapingDecisions(impairment, 1), sources, destinations);
    }

    private static byte[] ipv4(byte[] source, byte[] destination) {
        byte[] frame = new byte[60];
        frame[12] = 0x08;
        frame[14] = 0x45;
        frame[23] = 17;
        System.arraycopy(source, 0, frame, 26, 4);
        System.arraycopy(destination, 0, frame, 30, 4);
        return frame;
    }
}
