package dev.netns.internal.traffic;

import dev.netns.Impairment;
import dev.netns.internal.model.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code tc} egress filters that redirect frames into a shaper: one match-all filter when
 * the link itself is impaired, else one {@code u32} filter per source and destination address of
 * each pair rule, so that other traffic never leaves the kernel. Pure.
 */
final class ShaperFilters {

    private ShaperFilters() {
    }

    /** The match part of each filter the rules need (protocol and u32 selectors), in a stable order. */
    static List<List<String>> of(ShaperRules rules) {
        List<List<String>> filters = new ArrayList<>();
        if (rules.link() != null && !isEmpty(rules.link().impairment())) {
            filters.add(List.of("protocol", "all", "u32", "match", "u32", "0", "0"));
            return filters;
        }
        for (ShaperRule pair : rules.pairs()) {
            for (byte[] source : pair.sources()) {
                for (byte[] destination : pair.destinations()) {
                    if (source.length != destination.length) {
                        continue;
                    }
                    boolean v4 = source.length == 4;
                    String selector = v4 ? "ip" : "ip6";
                    String bits = v4 ? "/32" : "/128";
                    List<String> filter = List.of("protocol", v4 ? "ip" : "ipv6", "u32",
                            "match", selector, "src", text(source) + bits,
                            "match", selector, "dst", text(destination) + bits);
                    if (!filters.contains(filter)) {
                        filters.add(filter);
                    }
                }
            }
        }
        return filters;
    }

    /** Whether an impairment changes nothing: then its frames need not leave the kernel at all. */
    static boolean isEmpty(Impairment impairment) {
        return impairment.delay().filter(delay -> !delay.isZero()).isEmpty()
                && impairment.jitter().filter(jitter -> !jitter.isZero()).isEmpty()
                && impairment.loss().orElse(0) == 0 && impairment.rate().isEmpty() && impairment.duplicate() == 0
                && impairment.reorder() == 0 && impairment.corrupt() == 0 && impairment.gilbertElliott().isEmpty();
    }

    /** {@code tc filter add} of one filter at {@code priority}, redirecting to {@code shaperLink}. */
    static List<String> addCommand(String interfaceName, int priority, List<String> filter, String shaperLink) {
        List<String> command = new ArrayList<>(List.of("filter", "add", "dev", interfaceName, "egress", "prio",
                Integer.toString(priority)));
        command.addAll(filter);
        command.addAll(List.of("action", "mirred", "egress", "redirect", "dev", shaperLink));
        return command;
    }

    /** {@code tc filter del} of the filter at {@code priority}. */
    static List<String> deleteCommand(String interfaceName, int priority) {
        return List.of("filter", "del", "dev", interfaceName, "egress", "prio", Integer.toString(priority));
    }

    private static String text(byte[] address) {
        return IpAddress.of(address).toString();
    }
}
